// CgroupManager against this machine's kernel: limits read back from the kernel, processes that
// join a container's cgroups (including a daemonized grandchild) and a kill() that leaves none
// behind. Root only; each test prints `# skip: <reason>` and passes when it cannot run here.
//
// Safety: every cgroup these tests make lives below a root unique to this run
// (`mesos-test-<pid>-<random>`) in each hierarchy, and is removed at the end, pass or fail. The
// only processes frozen or killed are the ones the test forks.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cgroups/manager.h"
#include "cgroups/manager_test_util.h"
#include "test/check.h"

namespace mesos::cgroups {
namespace {

using namespace test_support;

std::string uniqueRoot() {
  std::random_device random;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random()));
  return "mesos-test-" + std::to_string(::getpid()) + "-" + suffix;
}

void skip(const std::string& reason) { std::printf("# skip: %s\n", reason.c_str()); }

// A manager over a unique root, and the removal of that root from every hierarchy it used, after
// destroying whatever container is left in it.
class TestCgroups {
 public:
  TestCgroups(const Layout& layout, std::vector<Controller> controllers)
      : root_(uniqueRoot()),
        made_(createCgroupManager(layout, root_, controllers)) {}

  ~TestCgroups() {
    if (made_.isError()) return;
    CgroupManager& cgroups = *made_.get();
    Try<std::vector<std::string>> left = cgroups.containers();
    if (!left.isError()) {
      for (const std::string& id : left.get()) {
        Try<Nothing> destroyed = cgroups.destroy(id);
        if (destroyed.isError()) std::printf("# cleanup: %s\n", destroyed.error().message.c_str());
      }
    }
    // The agent root is `<dir of any container>/..`; the manager itself never removes it.
    Try<std::vector<std::string>> dirs = cgroups.paths("probe");
    if (dirs.isError()) return;
    for (const std::string& dir : dirs.get()) {
      const std::string agentRoot = dir.substr(0, dir.rfind('/'));
      if (::rmdir(agentRoot.c_str()) != 0 && errno != ENOENT) {
        std::printf("# cleanup: rmdir(\"%s\") failed\n", agentRoot.c_str());
      }
    }
  }

  TestCgroups(const TestCgroups&) = delete;
  TestCgroups& operator=(const TestCgroups&) = delete;

  const Try<std::unique_ptr<CgroupManager>>& made() const { return made_; }
  CgroupManager& operator*() const { return *made_.get(); }
  CgroupManager* operator->() const { return made_.get().get(); }

 private:
  std::string root_;
  Try<std::unique_ptr<CgroupManager>> made_;
};

// Why the v1 tests cannot run here, or nullopt.
std::optional<std::string> v1SkipReason() {
  if (::geteuid() != 0) return "not root: creating cgroups needs root";
  const Try<Layout>& layout = systemLayout();
  if (layout.isError()) return "no cgroup layout: " + layout.error().message;
  if (layout.get().mode == Mode::V2) return "this host has no cgroup v1 controllers";
  for (const char* controller : {"cpu", "memory", "pids", "freezer"}) {
    if (!layout.get().v1.contains(controller)) {
      return std::string("the v1 controller \"") + controller + "\" is not mounted";
    }
  }
  return std::nullopt;
}

// The cgroup.procs file of every dir. Built before a fork: the child may only make
// async-signal-safe calls, and allocating memory is not one.
std::vector<std::string> procsFiles(const std::vector<std::string>& dirs) {
  std::vector<std::string> procs;
  for (const std::string& dir : dirs) procs.push_back(dir + "/cgroup.procs");
  return procs;
}

// In a forked child: writes "0" (the caller) into every file of procsFiles(), or exits with 10.
void joinOrExit(const std::vector<std::string>& procs) {
  for (const std::string& path : procs) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, "0", 1) != 1) ::_exit(10);
    ::close(fd);
  }
}

// Our child, which joined the container's cgroups, and the daemon it started (double fork and
// setsid, so that its parent is gone and it is in its own session: the kind of process a kill by
// process group or by parent would miss). This process is a child subreaper meanwhile, so the
// daemon is re-parented to us and we can reap it and see how it died.
class Family {
 public:
  // Forks; the child writes "0" (itself) into `<dir>/cgroup.procs` of every dir, then forks the
  // daemon, reaps the intermediate process, and only then passes the daemon's pid on, so that
  // when the constructor returns the cgroups hold exactly the child and the daemon. Only
  // async-signal-safe calls run between fork and exit.
  explicit Family(const std::vector<std::string>& dirs) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    const std::vector<std::string> procs = procsFiles(dirs);
    int inner[2];  // daemon -> child
    int outer[2];  // child -> this process
    if (::pipe2(inner, O_CLOEXEC) != 0) return;
    if (::pipe2(outer, O_CLOEXEC) != 0) {
      ::close(inner[0]);
      ::close(inner[1]);
      return;
    }

    child_ = ::fork();
    if (child_ == 0) {
      ::close(outer[0]);
      joinOrExit(procs);
      const pid_t intermediate = ::fork();
      if (intermediate == 0) {
        ::setsid();
        if (::fork() == 0) {
          const pid_t self = ::getpid();
          if (::write(inner[1], &self, sizeof self) != sizeof self) ::_exit(11);
          for (;;) ::pause();
        }
        ::_exit(0);
      }
      ::close(inner[1]);
      pid_t daemon = -1;
      if (::read(inner[0], &daemon, sizeof daemon) != sizeof daemon) ::_exit(12);
      ::waitpid(intermediate, nullptr, 0);
      if (::write(outer[1], &daemon, sizeof daemon) != sizeof daemon) ::_exit(13);
      for (;;) ::pause();
    }
    ::close(inner[0]);
    ::close(inner[1]);
    ::close(outer[1]);
    pid_t daemon = -1;
    if (child_ > 0 && ::read(outer[0], &daemon, sizeof daemon) == sizeof daemon) daemon_ = daemon;
    ::close(outer[0]);
  }

  // Whatever happened, nothing we started outlives the test.
  ~Family() {
    for (pid_t pid : {child_, daemon_}) {
      if (pid > 0 && ::waitpid(pid, nullptr, WNOHANG) == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
      }
    }
    ::prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  }

  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  pid_t child() const { return child_; }
  pid_t daemon() const { return daemon_; }

  // Reaps `pid` (waiting up to 5 s) and returns the signal that ended it, 0 if it exited, -1 if
  // it is still running. Reaping is what makes the pid gone for good.
  static int reap(pid_t& pid) {
    for (int attempt = 0; attempt < 500; ++attempt) {
      int status = 0;
      const pid_t done = ::waitpid(pid, &status, WNOHANG);
      if (done == pid) {
        pid = -1;
        return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

  int reapChild() { return reap(child_); }
  int reapDaemon() { return reap(daemon_); }

 private:
  pid_t child_ = -1;
  pid_t daemon_ = -1;
};

bool contains(const std::vector<pid_t>& pids, pid_t pid) {
  return std::find(pids.begin(), pids.end(), pid) != pids.end();
}

// The real-kernel half of the kill test, shared by the v1 and v2 tests.
void killLeavesNoProcessBehind(CgroupManager& cgroups, const std::vector<std::string>& dirs) {
  Family family(dirs);
  REQUIRE(family.child() > 0);
  REQUIRE(family.daemon() > 0);

  Try<std::vector<pid_t>> pids = cgroups.pids("c1");
  REQUIRE_OK(pids);
  CHECK(contains(pids.get(), family.child()));
  CHECK(contains(pids.get(), family.daemon()));

  REQUIRE_OK(cgroups.kill("c1"));
  pids = cgroups.pids("c1");
  REQUIRE_OK(pids);
  CHECK(pids.get().empty());
  for (const std::string& dir : dirs) {
    CHECK_EQ(contentOf(dir + "/cgroup.procs"), "");
    // v1: the freezer was thawed after the last round, so the cgroup is usable again.
    if (::access((dir + "/freezer.state").c_str(), F_OK) == 0) {
      CHECK_EQ(contentOf(dir + "/freezer.state"), "THAWED\n");
    }
  }
  CHECK_EQ(family.reapChild(), SIGKILL);
  CHECK_EQ(family.reapDaemon(), SIGKILL);

  REQUIRE_OK(cgroups.destroy("c1"));
  for (const std::string& dir : dirs) CHECK(!isDirectory(dir));
  REQUIRE_OK(cgroups.destroy("c1"));
}

TEST(v1_kernel_limits_read_back_as_written) {
  if (std::optional<std::string> reason = v1SkipReason()) return skip(*reason);
  TestCgroups cgroups(systemLayout().get(), kAll);
  REQUIRE_OK(cgroups.made());
  const std::vector<std::string> dirs = prepareAndCreate(*cgroups, "c1");
  const Layout& layout = systemLayout().get();
  const auto in = [&](const char* controller, const char* file) {
    Try<std::vector<std::string>> paths = cgroups->paths("c1");
    for (const std::string& dir : paths.get()) {
      if (dir.starts_with(layout.v1.at(controller) + "/")) return contentOf(dir + "/" + file);
    }
    return std::string("<no cgroup for ") + controller + ">";
  };

  REQUIRE_OK(cgroups->update("c1", Limits{.cpus = 0.5, .cfsQuota = true,
                                          .memoryBytes = 64 << 20, .pidsMax = 50}));
  CHECK_EQ(in("cpu", "cpu.shares"), "512\n");
  CHECK_EQ(in("cpu", "cpu.cfs_period_us"), "100000\n");
  CHECK_EQ(in("cpu", "cpu.cfs_quota_us"), "50000\n");
  CHECK_EQ(in("memory", "memory.limit_in_bytes"), "67108864\n");
  CHECK_EQ(in("memory", "memory.soft_limit_in_bytes"), "67108864\n");
  CHECK_EQ(in("pids", "pids.max"), "50\n");

  Try<Statistics> stats = cgroups->statistics("c1");
  REQUIRE_OK(stats);
  CHECK(stats.get().memLimitBytes == std::optional<std::uint64_t>(64 << 20));
  CHECK(stats.get().pidsCurrent == std::optional<std::uint64_t>(0));
  CHECK_EQ(stats.get().oomKills, 0u);
  CHECK(!stats.get().underOom);

  // Lifting every limit: the kernel reads back its own "unlimited".
  REQUIRE_OK(cgroups->update("c1", Limits{.cpus = 1, .cfsQuota = false, .memoryBytes = {},
                                          .pidsMax = {}}));
  CHECK_EQ(in("cpu", "cpu.cfs_quota_us"), "-1\n");
  CHECK_EQ(in("pids", "pids.max"), "max\n");
  stats = cgroups->statistics("c1");
  REQUIRE_OK(stats);
  CHECK(!stats.get().memLimitBytes.has_value());

  // The kernel refuses a pids.max above PID_MAX_LIMIT; the error quotes the path and the value.
  Try<Nothing> refused = cgroups->update("c1", Limits{.cpus = 1, .cfsQuota = false,
                                                      .memoryBytes = {}, .pidsMax = 1ull << 40});
  REQUIRE(refused.isError());
  CHECK_CONTAINS(refused.error().message,
                 "/pids.max\"): Invalid argument (writing \"1099511627776\")");
  CHECK_EQ(refused.error().syscall, "write");

  REQUIRE_OK(cgroups->destroy("c1"));
  for (const std::string& dir : dirs) CHECK(!isDirectory(dir));
}

TEST(v1_kernel_kill_leaves_no_process_behind) {
  if (std::optional<std::string> reason = v1SkipReason()) return skip(*reason);
  TestCgroups cgroups(systemLayout().get(), kAll);
  REQUIRE_OK(cgroups.made());
  const std::vector<std::string> dirs = prepareAndCreate(*cgroups, "c1");
  killLeavesNoProcessBehind(*cgroups, dirs);
}

// A container whose processes fork as fast as they can (bounded by pids.max, slowed by a CFS
// quota) is what the freezer is for: without it each round of SIGKILLs races new children.
TEST(v1_kernel_kill_stops_a_fork_storm) {
  if (std::optional<std::string> reason = v1SkipReason()) return skip(*reason);
  TestCgroups cgroups(systemLayout().get(), kAll);
  REQUIRE_OK(cgroups.made());
  const std::vector<std::string> dirs = prepareAndCreate(*cgroups, "storm");
  REQUIRE_OK(cgroups->update("storm", Limits{.cpus = 0.5, .cfsQuota = true,
                                             .memoryBytes = 256 << 20, .pidsMax = 32}));
  const std::vector<std::string> procs = procsFiles(dirs);

  ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    joinOrExit(procs);
    const timespec pause{0, 1'000'000};
    for (;;) {
      if (::fork() < 0) ::nanosleep(&pause, nullptr);
    }
  }
  // Let the storm reach pids.max (or run for a second).
  std::uint64_t most = 0;
  for (int i = 0; i < 200 && most < 32; ++i) {
    Try<Statistics> stats = cgroups->statistics("storm");
    if (!stats.isError()) most = std::max(most, stats.get().pidsCurrent.value_or(0));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Try<Nothing> killed = cgroups->kill("storm");
  Try<std::vector<pid_t>> left = cgroups->pids("storm");
  // Reap the child and every orphan re-parented to us; this process has no other children.
  ::kill(child, SIGKILL);
  for (int i = 0; i < 500; ++i) {
    const pid_t reaped = ::waitpid(-1, nullptr, WNOHANG);
    if (reaped < 0 && errno == ECHILD) break;
    if (reaped == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  CHECK_GT(most, 8u);
  REQUIRE_OK(killed);
  REQUIRE_OK(left);
  CHECK(left.get().empty());
  REQUIRE_OK(cgroups->destroy("storm"));
}

TEST(v1_kernel_statistics_see_a_running_container) {
  if (std::optional<std::string> reason = v1SkipReason()) return skip(*reason);
  TestCgroups cgroups(systemLayout().get(), kAll);
  REQUIRE_OK(cgroups.made());
  const std::vector<std::string> dirs = prepareAndCreate(*cgroups, "c1");
  {
    Family family(dirs);
    REQUIRE(family.daemon() > 0);
    Try<Statistics> stats = cgroups->statistics("c1");
    REQUIRE_OK(stats);
    // The child and the daemon (the intermediate process has exited).
    CHECK(stats.get().pidsCurrent == std::optional<std::uint64_t>(2));
    CHECK_GT(stats.get().memUsageBytes, 0u);
    Try<std::vector<std::string>> ids = cgroups->containers();
    REQUIRE_OK(ids);
    CHECK((ids.get() == std::vector<std::string>{"c1"}));
    REQUIRE_OK(cgroups->destroy("c1"));
    CHECK_EQ(family.reapChild(), SIGKILL);
    CHECK_EQ(family.reapDaemon(), SIGKILL);
  }
}

// The cgroup2 mount of a hybrid host carries no controllers, but processes, cgroup.kill and
// rmdir work there as on a pure v2 host.
TEST(v2_kernel_kill_leaves_no_process_behind) {
  if (::geteuid() != 0) return skip("not root: creating cgroups needs root");
  const Try<Layout>& system = systemLayout();
  if (system.isError() || !system.get().v2) return skip("no cgroup2 hierarchy is mounted");
  Layout layout;
  layout.mode = Mode::V2;
  layout.v2 = system.get().v2;

  TestCgroups cgroups(layout, {});
  REQUIRE_OK(cgroups.made());
  {
    // A controller that this cgroup2 mount does not delegate is named.
    TestCgroups withPids(layout, {Controller::Pids});
    REQUIRE_OK(withPids.made());
    Try<Nothing> prepared = withPids->prepare();
    if (prepared.isError()) {
      CHECK_CONTAINS(prepared.error().message, "cgroup v2 controller \"pids\" is not available");
    }
  }
  const std::vector<std::string> dirs = prepareAndCreate(*cgroups, "c1");
  Try<Statistics> stats = cgroups->statistics("c1");
  REQUIRE_OK(stats);
  killLeavesNoProcessBehind(*cgroups, dirs);
}

}  // namespace
}  // namespace mesos::cgroups
