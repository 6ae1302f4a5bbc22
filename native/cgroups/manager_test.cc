// CgroupManager on fake cgroup trees: directories in a temporary directory stand in for the
// hierarchies, and the files a kernel would create in a new cgroup are written by FakeKernel
// after create(). What only a kernel can show (processes joining, freezing, killing, limits being
// enforced) is in manager_root_test.cc.
#include "cgroups/manager.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "cgroups/backend.h"
#include "cgroups/manager_test_util.h"
#include "test/check.h"
#include "test/temp_dir.h"

namespace mesos::cgroups {
namespace {

using test::TempDir;
using namespace test_support;

// A quick kill loop for the fake trees, where nothing ever changes on its own.
ManagerOptions quick() {
  ManagerOptions options;
  options.killRounds = 3;
  options.freezeAttempts = 2;
  options.removeAttempts = 2;
  options.maxPause = std::chrono::milliseconds(1);
  return options;
}

void writeFile(const std::string& path, std::string_view content) {
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) throw std::runtime_error("cannot write " + path);
  std::fwrite(content.data(), 1, content.size(), file);
  std::fclose(file);
}

// Plays the kernel's part in a fake tree: the control files of a new cgroup, per subsystem, with
// the values a fresh cgroup has (or values a test wants to parse).
struct FakeKernel {
  // subsystem ("cpu", "v2", ...) -> file -> content
  std::map<std::string, std::map<std::string, std::string>> files = {
      {"cpu", {{"cpu.shares", "1024\n"}, {"cpu.cfs_period_us", "100000\n"},
               {"cpu.cfs_quota_us", "-1\n"}}},
      {"cpuacct", {{"cpuacct.stat", "user 250\nsystem 100\n"}}},
      {"memory", {{"memory.limit_in_bytes", "9223372036854771712\n"},
                  {"memory.soft_limit_in_bytes", "9223372036854771712\n"},
                  {"memory.usage_in_bytes", "4096000\n"},
                  {"memory.stat", "cache 100\nrss 2000\ntotal_cache 100\ntotal_rss 3000\n"},
                  {"memory.oom_control", "oom_kill_disable 0\nunder_oom 1\noom_kill 3\n"}}},
      {"pids", {{"pids.max", "max\n"}, {"pids.current", "2\n"}}},
      {"freezer", {{"freezer.state", "THAWED\n"}}},
      {"v2", {{"cgroup.controllers", "cpu memory pids\n"}, {"cgroup.subtree_control", ""},
              {"cgroup.events", "populated 0\nfrozen 0\n"}, {"cgroup.kill", ""},
              {"cgroup.freeze", "0\n"}, {"cpu.weight", "100\n"}, {"cpu.max", "max 100000\n"},
              {"cpu.stat", "usage_usec 2000000\nuser_usec 1500000\nsystem_usec 500000\n"},
              {"memory.max", "max\n"}, {"memory.low", "0\n"}, {"memory.current", "8192\n"},
              {"memory.stat", "anon 4096\nfile 8192\n"},
              {"memory.events", "low 0\nhigh 0\nmax 5\noom 2\noom_kill 2\n"},
              {"pids.max", "max\n"}, {"pids.current", "1\n"}}},
  };

  // Populates `dir` as a cgroup of the given subsystems (several when co-mounted).
  void populate(const std::string& dir, const std::vector<std::string>& subsystems) const {
    writeFile(dir + "/cgroup.procs", "");
    writeFile(dir + "/tasks", "");
    for (const std::string& subsystem : subsystems) {
      for (const auto& [name, content] : files.at(subsystem)) writeFile(dir + "/" + name, content);
    }
  }
};

// A fake v1 host: one directory per controller, freezer included unless told otherwise.
struct FakeV1 {
  TempDir tmp;
  Layout layout;
  // mount point -> the subsystems mounted there
  std::map<std::string, std::vector<std::string>> mounts;

  explicit FakeV1(std::vector<std::vector<std::string>> groups = {
                      {"cpu"}, {"cpuacct"}, {"memory"}, {"pids"}, {"freezer"}}) {
    layout.mode = Mode::V1;
    for (const std::vector<std::string>& group : groups) {
      std::string name;
      for (const std::string& subsystem : group) name += (name.empty() ? "" : ",") + subsystem;
      const std::string mount = tmp.path() + "/" + name;
      std::filesystem::create_directory(mount);
      for (const std::string& subsystem : group) layout.v1[subsystem] = mount;
      mounts[mount] = group;
    }
  }

  // What the kernel does on mkdir: the new cgroup's files.
  void populate(const std::vector<std::string>& dirs, const FakeKernel& kernel = {}) const {
    for (const std::string& dir : dirs) {
      for (const auto& [mount, subsystems] : mounts) {
        if (dir.starts_with(mount + "/")) kernel.populate(dir, subsystems);
      }
    }
  }

  // prepare() and create(id), both required to succeed, and the new cgroups' files; the cgroups.
  std::vector<std::string> createPopulated(CgroupManager& cgroups, std::string_view id) const {
    std::vector<std::string> dirs = prepareAndCreate(cgroups, id);
    populate(dirs);
    return dirs;
  }
};

// A fake v2 host whose agent root exists (as the kernel would populate it) with `available`
// controllers.
struct FakeV2 {
  TempDir tmp;
  Layout layout;
  std::string mount;
  // The agent root, below `mount`.
  std::string root;

  explicit FakeV2(std::string_view available = "cpu memory pids\n",
                  std::string_view agentRoot = "mesos")
      : root(agentRoot) {
    mount = tmp.path() + "/unified";
    layout.mode = Mode::V2;
    layout.v2 = mount;
    std::filesystem::create_directories(mount + "/" + root);
    writeFile(mount + "/cgroup.subtree_control", "cpu memory pids\n");
    writeFile(mount + "/" + root + "/cgroup.controllers", available);
    writeFile(mount + "/" + root + "/cgroup.subtree_control", "");
  }

  void populate(const std::string& dir, const FakeKernel& kernel = {}) const {
    kernel.populate(dir, {"v2"});
  }

  // prepare() and create(id), both required to succeed, and the new cgroup's files, for a
  // manager over this host's agent root; the cgroup.
  std::string createPopulated(CgroupManager& cgroups, std::string_view id) const {
    prepareAndCreate(cgroups, id);
    const std::string dir = mount + "/" + root + "/" + std::string(id);
    populate(dir);
    return dir;
  }
};

std::unique_ptr<CgroupManager> manager(const Layout& layout, std::vector<Controller> controllers,
                                       std::string_view root = "mesos") {
  Try<std::unique_ptr<CgroupManager>> made =
      createCgroupManager(layout, root, controllers, quick());
  if (made.isError()) throw std::runtime_error(made.error().message);
  return std::move(made).get();
}

Limits limitsOf(double cpus, bool cfsQuota = false, std::optional<std::uint64_t> memoryBytes = {},
                std::optional<std::uint64_t> pidsMax = {}) {
  return Limits{.cpus = cpus, .cfsQuota = cfsQuota, .memoryBytes = memoryBytes, .pidsMax = pidsMax};
}

// ---- arithmetic -------------------------------------------------------------------------------

TEST(cpu_shares_are_1024_per_cpu_with_a_minimum_of_2) {
  CHECK_EQ(cpuShares(0.5), 512u);
  CHECK_EQ(cpuShares(1), 1024u);
  CHECK_EQ(cpuShares(2.25), 2304u);
  CHECK_EQ(cpuShares(0.1), 102u);    // 102.4 truncated
  CHECK_EQ(cpuShares(0.001), 2u);    // 1.024 -> 1, raised to the minimum
  CHECK_EQ(cpuShares(0), 2u);
}

TEST(cfs_quota_is_the_period_times_cpus_with_a_minimum_of_1ms) {
  CHECK_EQ(cfsQuotaUs(0.5), 50000u);
  CHECK_EQ(cfsQuotaUs(2), 200000u);
  CHECK_EQ(cfsQuotaUs(0.005), 1000u);  // 500 us, raised to the minimum
  CHECK_EQ(cfsQuotaUs(0.29), 28999u);  // 28999.999999999996 truncated, as Mesos does
}

TEST(cpu_weight_is_100_per_cpu_clamped_to_the_kernel_range) {
  CHECK_EQ(cpuWeight(0.5), 50u);
  CHECK_EQ(cpuWeight(1), 100u);
  CHECK_EQ(cpuWeight(0.004), 1u);    // round(0.4) = 0, raised to 1
  CHECK_EQ(cpuWeight(0.015), 2u);    // round(1.5) = 2
  CHECK_EQ(cpuWeight(200), 10000u);  // 20000 clamped
}

TEST(memory_limit_has_a_32_mib_minimum) {
  CHECK_EQ(memoryLimitBytes(1), 33554432u);
  CHECK_EQ(memoryLimitBytes(64ull << 20), 67108864u);
}

TEST(limits_refuse_cpus_that_are_negative_not_finite_or_huge) {
  for (double cpus : {-0.5, std::nan(""), std::numeric_limits<double>::infinity(), 2e6}) {
    Limits limits;
    limits.cpus = cpus;
    std::optional<Error> error = validateLimits(limits);
    REQUIRE(error.has_value());
    CHECK_CONTAINS(error->message, "cpus must be a number from 0 to 1000000");
  }
  CHECK(!validateLimits(Limits{}).has_value());
}

TEST(controller_names_round_trip_and_unknown_ones_are_refused) {
  for (Controller controller : kAll) {
    Try<Controller> parsed = parseController(controllerName(controller));
    REQUIRE_OK(parsed);
    CHECK(parsed.get() == controller);
  }
  Try<Controller> bad = parseController("freezer");
  REQUIRE(bad.isError());
  CHECK_CONTAINS(bad.error().message, "unknown cgroup controller \"freezer\"");
}

// ---- construction -----------------------------------------------------------------------------

TEST(hybrid_uses_the_v1_backend_and_v2_needs_a_cgroup2_mount) {
  FakeV1 host;
  Layout hybrid = host.layout;
  hybrid.mode = Mode::Hybrid;
  hybrid.v2 = host.tmp.path();
  CHECK(manager(hybrid, kAll)->mode() == Mode::V1);

  Layout v2;
  v2.mode = Mode::V2;
  Try<std::unique_ptr<CgroupManager>> none = createCgroupManager(v2, "mesos", kAll);
  REQUIRE(none.isError());
  CHECK_CONTAINS(none.error().message, "no cgroup2 hierarchy is mounted");
}

TEST(v1_refuses_a_controller_that_is_not_mounted) {
  FakeV1 host({{"cpu"}, {"memory"}});
  Try<std::unique_ptr<CgroupManager>> made = createCgroupManager(host.layout, "mesos", kAll);
  REQUIRE(made.isError());
  CHECK_CONTAINS(made.error().message,
                 "cgroup v1 controller \"pids\" is not mounted (mounted controllers: cpu, memory)");
  // cpuacct and freezer are optional: without them cpu and memory still work.
  CHECK(!createCgroupManager(host.layout, "mesos", std::vector{Controller::Cpu}).isError());
}

TEST(a_cgroups_root_that_escapes_or_is_absolute_is_refused) {
  FakeV1 host;
  for (std::string_view root : {"../etc", "/mesos", "a//b", "", "mesos/.."}) {
    Try<std::unique_ptr<CgroupManager>> made = createCgroupManager(host.layout, root, kAll);
    CHECK(made.isError());
  }
}

TEST(a_missing_mount_point_is_reported_by_statfs) {
  FakeV1 host;
  Layout layout = host.layout;
  layout.v1["memory"] = host.tmp.path() + "/nope";
  Try<std::unique_ptr<CgroupManager>> made = createCgroupManager(layout, "mesos", kAll);
  REQUIRE(made.isError());
  CHECK_EQ(made.error().message,
           "statfs(\"" + host.tmp.path() + "/nope\"): No such file or directory");
  CHECK_EQ(made.error().syscall, "statfs");
}

// ---- v1 ---------------------------------------------------------------------------------------

TEST(v1_prepare_creates_the_agent_root_in_every_used_hierarchy_and_is_idempotent) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll, "outer/mesos");
  REQUIRE_OK(cgroups->prepare());
  REQUIRE_OK(cgroups->prepare());
  for (const auto& [mount, subsystems] : host.mounts) {
    CHECK(isDirectory(mount + "/outer/mesos"));
  }
}

TEST(v1_create_makes_one_cgroup_per_hierarchy_in_a_fixed_order) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  const std::vector<std::string> dirs = prepareAndCreate(*cgroups, "c1");
  const std::string& t = host.tmp.path();
  CHECK((dirs == std::vector<std::string>{t + "/cpu/mesos/c1", t + "/cpuacct/mesos/c1",
                                         t + "/memory/mesos/c1", t + "/pids/mesos/c1",
                                         t + "/freezer/mesos/c1"}));
  for (const std::string& dir : dirs) CHECK(isDirectory(dir));
  Try<std::vector<std::string>> paths = cgroups->paths("c1");
  REQUIRE_OK(paths);
  CHECK(paths.get() == dirs);
}

TEST(v1_co_mounted_controllers_share_one_cgroup) {
  FakeV1 host({{"cpu", "cpuacct"}, {"memory"}});
  auto cgroups = manager(host.layout, {Controller::Cpu, Controller::Memory, Controller::Cpu});
  const std::vector<std::string> dirs = prepareAndCreate(*cgroups, "c1");
  const std::string& t = host.tmp.path();
  CHECK((dirs == std::vector<std::string>{t + "/cpu,cpuacct/mesos/c1", t + "/memory/mesos/c1"}));
}

TEST(v1_create_refuses_an_existing_cgroup_and_undoes_its_own_directories) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  REQUIRE_OK(cgroups->prepare());
  // A remnant in the pids hierarchy only: cpu, cpuacct and memory are made, then undone.
  std::filesystem::create_directory(host.tmp.path() + "/pids/mesos/c1");
  Try<std::vector<std::string>> dirs = cgroups->create("c1");
  REQUIRE(dirs.isError());
  CHECK_CONTAINS(dirs.error().message, "mkdir(\"" + host.tmp.path() +
                                           "/pids/mesos/c1\"): File exists (a cgroup left by");
  CHECK_EQ(dirs.error().errnum, EEXIST);
  CHECK(!isDirectory(host.tmp.path() + "/cpu/mesos/c1"));
  CHECK(!isDirectory(host.tmp.path() + "/memory/mesos/c1"));
  CHECK(isDirectory(host.tmp.path() + "/pids/mesos/c1"));
}

TEST(v1_create_before_prepare_says_so) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  Try<std::vector<std::string>> dirs = cgroups->create("c1");
  REQUIRE(dirs.isError());
  CHECK_CONTAINS(dirs.error().message, "No such file or directory (the agent's cgroups root is "
                                       "missing; call prepare() first)");
}

TEST(v1_update_writes_the_computed_limits) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  host.createPopulated(*cgroups, "c1");
  const std::string& t = host.tmp.path();

  Limits limits;
  limits.cpus = 0.5;
  limits.cfsQuota = true;
  limits.memoryBytes = 1024 * 1024;  // below the minimum: 32 MiB is written
  limits.pidsMax = 100;
  REQUIRE_OK(cgroups->update("c1", limits));
  CHECK_EQ(contentOf(t + "/cpu/mesos/c1/cpu.shares"), "512");
  CHECK_EQ(contentOf(t + "/cpu/mesos/c1/cpu.cfs_period_us"), "100000");
  CHECK_EQ(contentOf(t + "/cpu/mesos/c1/cpu.cfs_quota_us"), "50000");
  CHECK_EQ(contentOf(t + "/memory/mesos/c1/memory.limit_in_bytes"), "33554432");
  CHECK_EQ(contentOf(t + "/memory/mesos/c1/memory.soft_limit_in_bytes"), "33554432");
  CHECK_EQ(contentOf(t + "/pids/mesos/c1/pids.max"), "100");

  // Without CFS, a memory limit or a pids limit, each is lifted.
  REQUIRE_OK(cgroups->update("c1", limitsOf(2)));
  CHECK_EQ(contentOf(t + "/cpu/mesos/c1/cpu.shares"), "2048");
  CHECK_EQ(contentOf(t + "/cpu/mesos/c1/cpu.cfs_quota_us"), "-1");
  CHECK_EQ(contentOf(t + "/memory/mesos/c1/memory.limit_in_bytes"), "-1");
  CHECK_EQ(contentOf(t + "/memory/mesos/c1/memory.soft_limit_in_bytes"), "-1");
  CHECK_EQ(contentOf(t + "/pids/mesos/c1/pids.max"), "max");
}

TEST(v1_update_touches_only_the_controllers_in_use) {
  FakeV1 host;
  auto cgroups = manager(host.layout, {Controller::Memory});
  const std::vector<std::string> dirs = host.createPopulated(*cgroups, "c1");
  // memory and freezer only.
  CHECK_EQ(dirs.size(), 2u);
  REQUIRE_OK(cgroups->update("c1", limitsOf(1, true, 64 << 20)));
  CHECK_EQ(contentOf(host.tmp.path() + "/memory/mesos/c1/memory.limit_in_bytes"), "67108864");
  CHECK(!isDirectory(host.tmp.path() + "/cpu/mesos/c1"));
}

TEST(v1_update_of_a_missing_cgroup_quotes_open_and_the_path) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  REQUIRE_OK(cgroups->prepare());
  Try<Nothing> updated = cgroups->update("ghost", limitsOf(1));
  REQUIRE(updated.isError());
  CHECK_EQ(updated.error().message,
           "open(\"" + host.tmp.path() + "/cpu/mesos/ghost/cpu.shares\"): No such file or directory");
  CHECK_EQ(updated.error().errnum, ENOENT);
  CHECK_EQ(updated.error().path, host.tmp.path() + "/cpu/mesos/ghost/cpu.shares");
}

TEST(v1_statistics_are_parsed_from_the_control_files) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  host.createPopulated(*cgroups, "c1");

  Try<Statistics> stats = cgroups->statistics("c1");
  REQUIRE_OK(stats);
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  CHECK_NEAR(stats.get().cpusUserTimeSecs, 250 / hz, 1e-12);
  CHECK_NEAR(stats.get().cpusSystemTimeSecs, 100 / hz, 1e-12);
  CHECK_EQ(stats.get().memRssBytes, 3000u);  // total_rss, not rss
  CHECK_EQ(stats.get().memUsageBytes, 4096000u);
  CHECK(!stats.get().memLimitBytes.has_value());  // the kernel's "unlimited"
  CHECK_EQ(stats.get().oomKills, 3u);
  CHECK(stats.get().underOom);
  CHECK(stats.get().pidsCurrent == std::optional<std::uint64_t>(2));

  // Older kernels: no total_rss, no oom_kill line; a set limit.
  const std::string memory = host.tmp.path() + "/memory/mesos/c1";
  writeFile(memory + "/memory.stat", "cache 100\nrss 2000\n");
  writeFile(memory + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\n");
  writeFile(memory + "/memory.limit_in_bytes", "33554432\n");
  stats = cgroups->statistics("c1");
  REQUIRE_OK(stats);
  CHECK_EQ(stats.get().memRssBytes, 2000u);
  CHECK_EQ(stats.get().oomKills, 0u);
  CHECK(!stats.get().underOom);
  CHECK(stats.get().memLimitBytes == std::optional<std::uint64_t>(33554432));
}

TEST(v1_statistics_of_unused_controllers_stay_empty) {
  FakeV1 host;
  auto cgroups = manager(host.layout, {Controller::Cpu});
  host.createPopulated(*cgroups, "c1");
  Try<Statistics> stats = cgroups->statistics("c1");
  REQUIRE_OK(stats);
  CHECK_GT(stats.get().cpusUserTimeSecs, 0.0);
  CHECK_EQ(stats.get().memUsageBytes, 0u);
  CHECK(!stats.get().pidsCurrent.has_value());
}

TEST(malformed_control_files_are_errors_naming_the_file) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  host.createPopulated(*cgroups, "c1");
  const std::string stat = host.tmp.path() + "/memory/mesos/c1/memory.stat";
  writeFile(stat, "rss lots\n");
  Try<Statistics> stats = cgroups->statistics("c1");
  REQUIRE(stats.isError());
  CHECK_EQ(stats.error().message, "malformed " + stat +
                                      " (expected lines of \"<key> <unsigned decimal>\"): "
                                      "\"rss lots\"");
  CHECK_EQ(stats.error().path, stat);

  writeFile(host.tmp.path() + "/cpu/mesos/c1/cgroup.procs", "12\nabc\n");
  Try<std::vector<pid_t>> pids = cgroups->pids("c1");
  REQUIRE(pids.isError());
  CHECK_CONTAINS(pids.error().message, "expected one pid per line");
}

TEST(v1_pids_is_the_union_over_hierarchies_and_nested_cgroups) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  host.createPopulated(*cgroups, "c1");
  const std::string t = host.tmp.path();
  writeFile(t + "/cpu/mesos/c1/cgroup.procs", "30\n10\n");
  writeFile(t + "/memory/mesos/c1/cgroup.procs", "10\n20\n");
  // A nested container's cgroup below c1.
  const std::string nested = t + "/freezer/mesos/c1/mesos/child";
  std::filesystem::create_directories(nested);
  host.populate({nested});
  writeFile(nested + "/cgroup.procs", "40\n");
  writeFile(t + "/freezer/mesos/c1/tasks", "50\n");  // threads are not processes

  Try<std::vector<pid_t>> pids = cgroups->pids("c1");
  REQUIRE_OK(pids);
  CHECK((pids.get() == std::vector<pid_t>{10, 20, 30, 40}));

  Try<std::vector<pid_t>> ghost = cgroups->pids("ghost");
  REQUIRE(ghost.isError());
  CHECK_CONTAINS(ghost.error().message, "/cpu/mesos/ghost/cgroup.procs\"): No such file");
}

TEST(v1_kill_freezes_and_thaws_and_ends_when_the_cgroups_are_empty) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  host.createPopulated(*cgroups, "c1");
  REQUIRE_OK(cgroups->kill("c1"));
  // Nothing was listed, so nothing was frozen.
  CHECK_EQ(contentOf(host.tmp.path() + "/freezer/mesos/c1/freezer.state"), "THAWED\n");

  // A process that never goes (the fake kernel does not kill anything; fake pids are never
  // signalled): the loop freezes, thaws and finally gives up naming it.
  writeFile(host.tmp.path() + "/memory/mesos/c1/cgroup.procs", "4194999\n");
  Try<Nothing> killed = cgroups->kill("c1");
  REQUIRE(killed.isError());
  CHECK_EQ(killed.error().message,
           "kill: container \"c1\" still has 1 process(es) after 3 rounds: 4194999");
  CHECK_EQ(contentOf(host.tmp.path() + "/freezer/mesos/c1/freezer.state"), "THAWED");
}

TEST(v1_kill_and_destroy_of_a_container_without_cgroups_succeed) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  REQUIRE_OK(cgroups->prepare());
  REQUIRE_OK(cgroups->kill("never-created"));
  REQUIRE_OK(cgroups->destroy("never-created"));
}

TEST(v1_destroy_removes_every_cgroup_children_first_and_is_idempotent) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  const std::vector<std::string> dirs = host.createPopulated(*cgroups, "c1");
  const std::string nested = host.tmp.path() + "/cpu/mesos/c1/mesos/child";
  std::filesystem::create_directories(nested);
  host.populate({nested});
  REQUIRE_OK(cgroups->create("c2"));

  REQUIRE_OK(cgroups->destroy("c1"));
  for (const std::string& dir : dirs) CHECK(!isDirectory(dir));
  // The agent root and the other container are untouched.
  CHECK(isDirectory(host.tmp.path() + "/cpu/mesos/c2"));
  CHECK(isDirectory(host.tmp.path() + "/cpu/mesos"));
  REQUIRE_OK(cgroups->destroy("c1"));
}

TEST(destroy_refuses_a_subdirectory_it_cannot_vouch_for) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  prepareAndCreate(*cgroups, "c1");
  std::filesystem::create_directories(host.tmp.path() + "/cpu/mesos/c1/bad name");
  Try<Nothing> destroyed = cgroups->destroy("c1");
  REQUIRE(destroyed.isError());
  CHECK_CONTAINS(destroyed.error().message, "has a component \"bad name\" that has a character");
  CHECK(isDirectory(host.tmp.path() + "/cpu/mesos/c1/bad name"));
}

TEST(container_ids_that_could_escape_are_refused_everywhere) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  REQUIRE_OK(cgroups->prepare());
  const std::string_view ids[] = {"..", ".", "", "a/b", "../mesos", "x\n", std::string_view("a\0b", 3)};
  for (std::string_view id : ids) {
    CHECK(cgroups->create(id).isError());
    CHECK(cgroups->paths(id).isError());
    CHECK(cgroups->update(id, Limits{}).isError());
    CHECK(cgroups->statistics(id).isError());
    CHECK(cgroups->pids(id).isError());
    CHECK(cgroups->kill(id).isError());
    CHECK(cgroups->destroy(id).isError());
  }
  Try<Nothing> escaped = cgroups->destroy("..");
  CHECK_CONTAINS(escaped.error().message, "container id \"..\" is \".\" or \"..\"");
  // The agent roots survived every attempt.
  for (const auto& [mount, subsystems] : host.mounts) CHECK(isDirectory(mount + "/mesos"));
}

TEST(control_writes_never_reach_the_hierarchy_root_or_outside_the_agent_root) {
  FakeV1 host;
  Try<backend::Hierarchy> hierarchy =
      backend::openHierarchy(host.tmp.path() + "/freezer", "outer/mesos");
  REQUIRE_OK(hierarchy);
  CHECK(!hierarchy.get().kernel);
  const std::string mount = host.tmp.path() + "/freezer";
  std::filesystem::create_directories(mount + "/outer/mesos-other/x");
  for (const std::string& dir : {mount, mount + "/outer/mesos-other/x", mount + "/outer/../x",
                                 host.tmp.path() + "/cpu/outer/mesos/x", std::string("/tmp")}) {
    Try<Nothing> written = backend::writeControl(hierarchy.get(), dir, "freezer.state", "FROZEN");
    CHECK(written.isError());
  }
  // The agent's levels are writable (prepare configures them), a container's cgroup too.
  CHECK(backend::isAgentLevel(hierarchy.get(), mount + "/outer"));
  CHECK(backend::isAgentLevel(hierarchy.get(), mount + "/outer/mesos"));
  CHECK(!backend::isAgentLevel(hierarchy.get(), mount + "/out"));
  CHECK(!backend::isAgentLevel(hierarchy.get(), mount));
  CHECK(!backend::isAgentLevel(hierarchy.get(), mount + "/outer/mesos/c1"));
}

TEST(containers_lists_valid_ids_from_every_hierarchy) {
  FakeV1 host;
  auto cgroups = manager(host.layout, kAll);
  Try<std::vector<std::string>> none = cgroups->containers();
  REQUIRE_OK(none);  // no agent root yet
  CHECK(none.get().empty());
  REQUIRE_OK(cgroups->prepare());
  REQUIRE_OK(cgroups->create("b"));
  std::filesystem::create_directory(host.tmp.path() + "/memory/mesos/a");  // an orphan
  std::filesystem::create_directory(host.tmp.path() + "/memory/mesos/not valid");
  writeFile(host.tmp.path() + "/memory/mesos/cgroup.procs", "");  // a file, not a cgroup
  Try<std::vector<std::string>> ids = cgroups->containers();
  REQUIRE_OK(ids);
  CHECK((ids.get() == std::vector<std::string>{"a", "b"}));
}

// ---- v2 ---------------------------------------------------------------------------------------

TEST(v2_prepare_enables_the_controllers_in_the_agent_root) {
  FakeV2 host;
  auto cgroups = manager(host.layout, {Controller::Memory});
  CHECK(cgroups->mode() == Mode::V2);
  REQUIRE_OK(cgroups->prepare());
  CHECK_EQ(contentOf(host.mount + "/mesos/cgroup.subtree_control"), "+memory");
  // The hierarchy's root is never written.
  CHECK_EQ(contentOf(host.mount + "/cgroup.subtree_control"), "cpu memory pids\n");

  // Controllers already enabled are not written again.
  writeFile(host.mount + "/mesos/cgroup.subtree_control", "cpu memory pids\n");
  REQUIRE_OK(manager(host.layout, kAll)->prepare());
  CHECK_EQ(contentOf(host.mount + "/mesos/cgroup.subtree_control"), "cpu memory pids\n");
}

TEST(v2_prepare_names_a_controller_the_parent_did_not_enable) {
  FakeV2 host("cpu io\n");
  Try<Nothing> prepared = manager(host.layout, kAll)->prepare();
  REQUIRE(prepared.isError());
  CHECK_EQ(prepared.error().message,
           "cgroup v2 controller \"memory\" is not available in \"" + host.mount +
               "/mesos\" (its cgroup.controllers lists: cpu io); enable it in \"" + host.mount +
               "/cgroup.subtree_control\"");
  CHECK_EQ(prepared.error().path, host.mount + "/mesos/cgroup.controllers");
}

TEST(v2_prepare_leaves_parents_it_did_not_create_alone) {
  // "system.slice" exists (someone else's) and lists the controllers; the agent root below it
  // exists too. Only the agent root's subtree_control is written.
  FakeV2 host("cpu memory pids\n", "system.slice/mesos");
  writeFile(host.mount + "/system.slice/cgroup.controllers", "cpu memory pids\n");
  writeFile(host.mount + "/system.slice/cgroup.subtree_control", "cpu memory pids\n");
  auto cgroups = manager(host.layout, {Controller::Pids}, "system.slice/mesos");
  REQUIRE_OK(cgroups->prepare());
  CHECK_EQ(contentOf(host.mount + "/system.slice/cgroup.subtree_control"), "cpu memory pids\n");
  CHECK_EQ(contentOf(host.mount + "/system.slice/mesos/cgroup.subtree_control"), "+pids");
}

TEST(v2_create_makes_one_cgroup_and_update_writes_the_computed_limits) {
  FakeV2 host;
  auto cgroups = manager(host.layout, kAll);
  const std::vector<std::string> dirs = prepareAndCreate(*cgroups, "c1");
  const std::string dir = host.mount + "/mesos/c1";
  CHECK((dirs == std::vector<std::string>{dir}));
  host.populate(dir);

  REQUIRE_OK(cgroups->update("c1", Limits{.cpus = 0.5, .cfsQuota = true,
                                          .memoryBytes = 100 << 20, .pidsMax = 64}));
  CHECK_EQ(contentOf(dir + "/cpu.weight"), "50");
  CHECK_EQ(contentOf(dir + "/cpu.max"), "50000 100000");
  CHECK_EQ(contentOf(dir + "/memory.max"), "104857600");
  CHECK_EQ(contentOf(dir + "/memory.low"), "104857600");
  CHECK_EQ(contentOf(dir + "/pids.max"), "64");

  REQUIRE_OK(cgroups->update("c1", limitsOf(0.001)));
  CHECK_EQ(contentOf(dir + "/cpu.weight"), "1");
  CHECK_EQ(contentOf(dir + "/cpu.max"), "max 100000");
  CHECK_EQ(contentOf(dir + "/memory.max"), "max");
  CHECK_EQ(contentOf(dir + "/memory.low"), "0");
  CHECK_EQ(contentOf(dir + "/pids.max"), "max");

  REQUIRE_OK(cgroups->update("c1", limitsOf(0.001, false, 1)));
  CHECK_EQ(contentOf(dir + "/memory.max"), "33554432");
}

TEST(v2_statistics_are_parsed_from_the_control_files) {
  FakeV2 host;
  auto cgroups = manager(host.layout, kAll);
  host.createPopulated(*cgroups, "c1");
  Try<Statistics> stats = cgroups->statistics("c1");
  REQUIRE_OK(stats);
  CHECK_EQ(stats.get().cpusUserTimeSecs, 1.5);
  CHECK_EQ(stats.get().cpusSystemTimeSecs, 0.5);
  CHECK_EQ(stats.get().memRssBytes, 4096u);
  CHECK_EQ(stats.get().memUsageBytes, 8192u);
  CHECK(!stats.get().memLimitBytes.has_value());
  CHECK_EQ(stats.get().oomKills, 2u);
  CHECK(!stats.get().underOom);
  CHECK(stats.get().pidsCurrent == std::optional<std::uint64_t>(1));

  writeFile(host.mount + "/mesos/c1/memory.max", "33554432\n");
  stats = cgroups->statistics("c1");
  REQUIRE_OK(stats);
  CHECK(stats.get().memLimitBytes == std::optional<std::uint64_t>(33554432));
}

TEST(v2_kill_writes_cgroup_kill_or_freezes_without_it) {
  FakeV2 host;
  auto cgroups = manager(host.layout, kAll);
  const std::string dir = host.createPopulated(*cgroups, "c1");
  writeFile(dir + "/cgroup.procs", "4194999\n");  // never goes: see the v1 kill test
  Try<Nothing> killed = cgroups->kill("c1");
  REQUIRE(killed.isError());
  CHECK_EQ(contentOf(dir + "/cgroup.kill"), "1");
  CHECK_EQ(contentOf(dir + "/cgroup.freeze"), "0\n");  // cgroup.kill needs no freezing

  // A kernel before 5.14: freeze, signal, thaw.
  std::filesystem::remove(dir + "/cgroup.kill");
  killed = cgroups->kill("c1");
  REQUIRE(killed.isError());
  CHECK_CONTAINS(killed.error().message, "still has 1 process(es) after 3 rounds: 4194999");
  CHECK_EQ(contentOf(dir + "/cgroup.freeze"), "0");

  writeFile(dir + "/cgroup.procs", "");
  REQUIRE_OK(cgroups->kill("c1"));
}

TEST(v2_destroy_removes_the_tree_and_is_idempotent) {
  FakeV2 host;
  auto cgroups = manager(host.layout, kAll);
  const std::string dir = host.createPopulated(*cgroups, "c1");
  std::filesystem::create_directories(dir + "/leaf");
  host.populate(dir + "/leaf");
  Try<std::vector<std::string>> ids = cgroups->containers();
  REQUIRE_OK(ids);
  CHECK((ids.get() == std::vector<std::string>{"c1"}));

  REQUIRE_OK(cgroups->destroy("c1"));
  CHECK(!isDirectory(dir));
  CHECK(isDirectory(host.mount + "/mesos"));
  REQUIRE_OK(cgroups->destroy("c1"));
  ids = cgroups->containers();
  REQUIRE_OK(ids);
  CHECK(ids.get().empty());
}

// ---- parsing helpers --------------------------------------------------------------------------

TEST(keyed_and_single_value_files_parse_strictly) {
  Try<backend::Keyed> keyed = backend::parseKeyed("a 1\nb 22\n\n", "f");
  REQUIRE_OK(keyed);
  CHECK_EQ(backend::keyedOrZero(keyed.get(), "b"), 22u);
  CHECK_EQ(backend::keyedOrZero(keyed.get(), "c"), 0u);
  CHECK(backend::parseKeyed("a -1\n", "f").isError());
  CHECK(backend::parseKeyed("a\n", "f").isError());
  CHECK(backend::parseKeyed(" 1\n", "f").isError());

  CHECK(backend::parseUnsigned("42\n", "f").get() == 42u);
  CHECK(backend::parseUnsigned("-1\n", "f").isError());
  CHECK(backend::parseUnsigned("", "f").isError());
  CHECK(!backend::parseLimit("max\n", "f").get().has_value());
  CHECK(backend::parseLimit("7\n", "f").get() == std::optional<std::uint64_t>(7));

  Try<std::vector<pid_t>> pids = backend::parsePids("1\n0\n300\n", "f");
  REQUIRE_OK(pids);
  CHECK((pids.get() == std::vector<pid_t>{1, 0, 300}));
  CHECK(backend::parsePids("99999999999\n", "f").isError());
}

}  // namespace
}  // namespace mesos::cgroups
