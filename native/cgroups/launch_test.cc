// Tests of `mesos-containerizer launch`: flag parsing and the termination record as functions, and
// the launcher itself as a real process (runContainerizer() in a forked child, exactly what main()
// runs), with real tasks. Tests that need root (namespaces, user switch, cgroups) skip with a
// printed reason otherwise. Cgroups are created under unique names and always removed; the only
// processes signalled are launchers these tests started and the tasks those launched.
#include "cgroups/launch.h"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cgroups/containerizer_cli.h"
#include "cgroups/hierarchy.h"
#include "common/file.h"
#include "test/check.h"
#include "test/temp_dir.h"

using mesos::cgroups::kExitFailure;
using mesos::cgroups::kExitSuccess;
using mesos::cgroups::kDefaultTaskPath;
using mesos::cgroups::kExitUsage;
using mesos::cgroups::LaunchOptions;
using mesos::cgroups::parseEnvironment;
using mesos::cgroups::parseLaunchFlags;
using mesos::cgroups::runContainerizer;
using mesos::cgroups::Termination;
using mesos::cgroups::terminationJson;
using mesos::cgroups::terminationMessage;
using mesos::cgroups::taskEnvironment;
using mesos::cgroups::UserVariables;
using mesos::Try;
using mesos::test::TempDir;

namespace {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Helpers.

Try<LaunchOptions> parse(std::vector<std::string_view> args) { return parseLaunchFlags(args); }

std::string parseError(std::vector<std::string_view> args) {
  const Try<LaunchOptions> options = parse(std::move(args));
  return options.isError() ? options.error().message : std::string("(parsed)");
}

void skip(const char* test, const std::string& reason) {
  std::printf("# SKIP %s: %s\n", test, reason.c_str());
}

bool isRoot() { return ::geteuid() == 0; }

std::string readOr(const std::string& path, std::string fallback = "<missing>") {
  const Try<std::string> content = mesos::readFile(path);
  return content.isError() ? fallback : content.get();
}

bool waitUntil(const auto& condition, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// A run directory and a sandbox in a fresh temporary directory, and the two flags naming them.
struct Dirs {
  TempDir temp;
  std::string run = temp.path() + "/run";
  std::string sandbox = temp.path() + "/sandbox";
  Dirs() {
    std::filesystem::create_directory(run);
    std::filesystem::create_directory(sandbox);
  }
  std::vector<std::string> flags() const { return {"--run_dir=" + run, "--sandbox=" + sandbox}; }
  std::string termination() const { return readOr(run + "/termination"); }
  std::string pids() const { return readOr(run + "/pids"); }
  std::string taskStdout() const { return readOr(sandbox + "/stdout"); }
  std::string taskStderr() const { return readOr(sandbox + "/stderr"); }
  // Writes an --environment file of `entries` (each NUL-terminated) and returns the flag.
  std::string environment(const std::vector<std::string>& entries) const {
    std::string content;
    for (const std::string& entry : entries) content += entry + '\0';
    return "--environment=" + temp.write("environment", content);
  }
};

// The entries of `env -0` output (or an --environment file), sorted.
std::vector<std::string> environmentEntries(const std::string& text) {
  std::vector<std::string> entries;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    entries.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

std::vector<std::string> sorted(std::vector<std::string> entries) {
  std::sort(entries.begin(), entries.end());
  return entries;
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// One launcher, run as `runContainerizer({"launch", args...})` in a forked child whose stdout and
// stderr are pipes, as the agent runs the binary. Always reaped; on a timeout, or when the test
// ends early, the launcher and its task are killed.
struct LauncherOptions {
  // Set in the launcher's own environment, which never reaches the task (--environment does).
  std::vector<std::pair<std::string, std::string>> env;
  // Close the read end of the stdout pipe before the launcher starts: the agent is gone.
  bool stdoutClosed = false;
};

class Launcher {
 public:
  explicit Launcher(const std::vector<std::string>& args, const LauncherOptions& options = {}) {
    int outPipe[2];
    int errPipe[2];
    if (::pipe2(outPipe, O_CLOEXEC) != 0 || ::pipe2(errPipe, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe2 failed");
    }
    if (options.stdoutClosed) {
      ::close(outPipe[0]);
      outPipe[0] = -1;
    }
    // The child's std::cout shares stdio's buffer: nothing of ours may be waiting in it.
    std::fflush(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      const int null = ::open("/dev/null", O_RDONLY);
      ::dup2(null, 0);
      ::dup2(outPipe[1], 1);
      ::dup2(errPipe[1], 2);
      for (const auto& [name, value] : options.env) ::setenv(name.c_str(), value.c_str(), 1);
      std::vector<std::string_view> views = {"launch"};
      for (const std::string& arg : args) views.push_back(arg);
      const int status = runContainerizer(views, std::cout, std::cerr);
      std::cout.flush();
      std::cerr.flush();
      ::_exit(status);
    }
    ::close(outPipe[1]);
    ::close(errPipe[1]);
    out_ = outPipe[0];
    err_ = errPipe[0];
  }
  ~Launcher() {
    if (!reaped_) finish(std::chrono::milliseconds(0));
    if (out_ >= 0) ::close(out_);
    if (err_ >= 0) ::close(err_);
  }
  Launcher(const Launcher&) = delete;
  Launcher& operator=(const Launcher&) = delete;

  pid_t pid() const { return pid_; }

  // The first stdout line without its newline ("" on EOF or timeout); remembers the task's pid.
  std::string firstLine(std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = Clock::now() + limit;
    while (out_ >= 0 && outText_.find('\n') == std::string::npos && Clock::now() < deadline) {
      if (!pump(out_, outText_, deadline)) break;
    }
    const std::size_t newline = outText_.find('\n');
    if (newline == std::string::npos) return "";
    const std::string line = outText_.substr(0, newline);
    int task = 0;
    if (std::sscanf(line.c_str(), "{\"pid\":%d,", &task) == 1) taskPid_ = task;
    return line;
  }

  std::optional<pid_t> taskPid() const { return taskPid_; }

  // Waits (at most `limit`) for the launcher to exit and returns its exit status, or -1 if it had
  // to be killed.
  int finish(std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    if (reaped_) return status_;
    const auto deadline = Clock::now() + limit;
    for (;;) {
      int status = 0;
      const pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        break;
      }
      if (Clock::now() >= deadline) {
        // Ours to kill: the launcher we forked and the task it reported.
        ::kill(pid_, SIGKILL);
        if (taskPid_) {
          ::kill(-*taskPid_, SIGKILL);
          ::kill(*taskPid_, SIGKILL);
        }
        ::waitpid(pid_, &status, 0);
        status_ = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    reaped_ = true;
    // The launcher is gone, so both pipes are at EOF once drained (the task never holds them).
    while (out_ >= 0 && pump(out_, outText_, Clock::now() + std::chrono::seconds(1))) {
    }
    while (err_ >= 0 && pump(err_, errText_, Clock::now() + std::chrono::seconds(1))) {
    }
    return status_;
  }

  const std::string& out() const { return outText_; }
  const std::string& err() const { return errText_; }

 private:
  // Reads what is available on `fd` into `text`; false on EOF, error or deadline.
  static bool pump(int fd, std::string& text, Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    struct pollfd poller = {fd, POLLIN, 0};
    if (::poll(&poller, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[4096];
    const ssize_t count = ::read(fd, buffer, sizeof buffer);
    if (count <= 0) return false;
    text.append(buffer, static_cast<std::size_t>(count));
    return true;
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::string outText_;
  std::string errText_;
  std::optional<pid_t> taskPid_;
  bool reaped_ = false;
  int status_ = -1;
};

bool running(const Launcher& launcher) {
  // WNOWAIT: look without reaping, so finish() still collects the status.
  siginfo_t info{};
  return ::waitid(P_PID, static_cast<id_t>(launcher.pid()), &info, WEXITED | WNOHANG | WNOWAIT) ==
             0 &&
         info.si_pid == 0;
}

std::string uniqueName() {
  std::random_device random;
  return "mesos-launch-test-" + std::to_string(::getpid()) + "-" +
         std::to_string(random() % 1000000);
}

// A cgroup created by a test under a unique name, emptied (by killing what is listed in its own
// cgroup.procs, nothing else) and removed when the test ends.
class TestCgroup {
 public:
  // nullopt with a reason when `root` is not a usable hierarchy.
  static std::optional<TestCgroup> create(const std::string& root, std::string& why) {
    struct stat status;
    if (::stat(root.c_str(), &status) != 0 || !S_ISDIR(status.st_mode)) {
      why = root + " is not mounted";
      return std::nullopt;
    }
    TestCgroup cgroup(root + "/" + uniqueName());
    if (::mkdir(cgroup.path_.c_str(), 0755) != 0) {
      why = "mkdir(\"" + cgroup.path_ + "\") failed";
      cgroup.path_.clear();
      return std::nullopt;
    }
    return cgroup;
  }
  TestCgroup(TestCgroup&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  TestCgroup& operator=(TestCgroup&&) = delete;
  ~TestCgroup() {
    if (path_.empty()) return;
    killAll();
    for (int attempt = 0; ::rmdir(path_.c_str()) != 0 && errno == EBUSY && attempt < 400;
         ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  const std::string& path() const { return path_; }
  std::string name() const { return path_.substr(path_.rfind('/') + 1); }

  bool set(const std::string& file, const std::string& value) const {
    std::ofstream out(path_ + "/" + file);
    out << value;
    out.flush();
    return static_cast<bool>(out);
  }
  std::string get(const std::string& file) const { return readOr(path_ + "/" + file); }

  std::vector<pid_t> procs() const {
    std::vector<pid_t> pids;
    std::istringstream in(get("cgroup.procs"));
    for (pid_t pid; in >> pid;) pids.push_back(pid);
    return pids;
  }

  // SIGKILLs every process listed in this cgroup until it is empty (a fork bomb refills it while
  // it is being emptied, so one pass is not enough).
  void killAll() const {
    for (int round = 0; round < 400; ++round) {
      const std::vector<pid_t> pids = procs();
      if (pids.empty()) return;
      for (pid_t pid : pids) ::kill(pid, SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  explicit TestCgroup(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

std::string cgroupOf(pid_t pid) { return readOr("/proc/" + std::to_string(pid) + "/cgroup"); }

}  // namespace

// -----------------------------------------------------------------------------------------------
// Flag parsing.

TEST(parse_accepts_the_minimal_command_line) {
  const auto options = parse({"--run_dir=/run/x", "--sandbox=/sb", "--", "/bin/echo", "hi", "--"});
  REQUIRE_OK(options);
  CHECK_EQ(options.get().runDir, "/run/x");
  CHECK_EQ(options.get().sandbox, "/sb");
  CHECK(!options.get().shell);
  CHECK_EQ(options.get().namespaces, 0);
  // Everything after the first "--" belongs to the task, including another "--".
  CHECK(options.get().argv == std::vector<std::string>({"/bin/echo", "hi", "--"}));
  CHECK_EQ(options.get().sandboxMount, "/mnt/mesos/sandbox");
  CHECK(options.get().cgroups.empty());
  CHECK(!options.get().memoryCgroup);
}

TEST(parse_reads_every_flag) {
  const auto options = parse({"--run_dir=/r", "--sandbox=/s", "--shell", "--namespaces=uts,pid",
                              "--hostname=box", "--user=nobody", "--environment=/r/env",
                              "--rootfs=/img",
                              "--sandbox_mount=/sandbox", "--cgroup=/cg/cpu/x",
                              "--cgroup=/cg/mem/x",
                              "--cgroup2=/cg/unified/x", "--memory_cgroup=/cg/mem/x", "--",
                              "echo $HOSTNAME"});
  REQUIRE_OK(options);
  const LaunchOptions& o = options.get();
  CHECK(o.shell);
  CHECK_EQ(o.namespaces, CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS);
  CHECK_EQ(o.hostname.value_or(""), "box");
  CHECK_EQ(o.user.value_or(""), "nobody");
  CHECK_EQ(o.environmentFile.value_or(""), "/r/env");
  CHECK_EQ(o.rootfs.value_or(""), "/img");
  CHECK_EQ(o.sandboxMount, "/sandbox");
  CHECK(o.cgroups == std::vector<std::string>({"/cg/cpu/x", "/cg/mem/x"}));
  CHECK_EQ(o.cgroup2.value_or(""), "/cg/unified/x");
  CHECK_EQ(o.memoryCgroup.value_or(""), "/cg/mem/x");
  CHECK(o.argv == std::vector<std::string>({"echo $HOSTNAME"}));

  // An empty --namespaces= is the empty list, so the agent can always pass the flag.
  const auto none = parse({"--run_dir=/r", "--sandbox=/s", "--namespaces=", "--", "true"});
  REQUIRE_OK(none);
  CHECK_EQ(none.get().namespaces, 0);
  CHECK(!none.get().environmentFile);
}

TEST(parse_rejects_incomplete_or_inconsistent_command_lines) {
  CHECK_EQ(parseError({"--sandbox=/s", "--", "true"}), "--run_dir is required");
  CHECK_EQ(parseError({"--run_dir=/r", "--", "true"}), "--sandbox is required");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "true"}),
           "unexpected argument 'true' (the task's command goes after '--')");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s"}), "missing '--' before the task's command");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--"}), "no command after '--'");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--shell", "--", "echo", "hi"}),
           "--shell takes exactly one argument after '--', the shell command (got 2)");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--frobnicate", "--", "true"}),
           "unknown flag '--frobnicate'");
  CHECK_EQ(parseError({"--run_dir=/r", "--run_dir=/q", "--sandbox=/s", "--", "true"}),
           "--run_dir given more than once");
  CHECK_EQ(parseError({"--run_dir=r", "--sandbox=/s", "--", "true"}),
           "--run_dir must be an absolute path, got 'r'");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox", "--", "true"}),
           "--sandbox needs a value (--sandbox=...)");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--user=", "--", "true"}),
           "--user needs a value (--user=...)");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--shell=yes", "--", "true"}),
           "--shell takes no value");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--namespaces=pid,cgroup", "--", "true"}),
           "--namespaces: unknown namespace 'cgroup' (known: pid, mount, uts, ipc, net)");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--hostname=box", "--", "true"}),
           "--hostname requires the uts namespace (--namespaces=...,uts)");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--namespaces=uts",
                       "--hostname=" + std::string(65, 'h'), "--", "true"}),
           "--hostname is longer than 64 bytes");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--namespaces=uts", "--rootfs=/img", "--",
                       "true"}),
           "--rootfs requires the mount namespace (--namespaces=...,mount)");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--sandbox_mount=/x", "--", "true"}),
           "--sandbox_mount requires --rootfs");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--cgroup=cpu/x", "--", "true"}),
           "--cgroup must be an absolute path, got 'cpu/x'");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--environment=env", "--", "true"}),
           "--environment must be an absolute path, got 'env'");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--environment=", "--", "true"}),
           "--environment needs a value (--environment=...)");
  CHECK_EQ(parseError({"--run_dir=/r", "--sandbox=/s", "--environment=/a", "--environment=/b", "--",
                       "true"}),
           "--environment given more than once");
}

TEST(usage_errors_exit_2_with_one_line_and_start_nothing) {
  const TempDir dir;
  std::ostringstream out;
  std::ostringstream err;
  const std::string runDir = "--run_dir=" + dir.path();
  const std::vector<std::string_view> args = {"launch", runDir, "--", "true"};
  CHECK_EQ(runContainerizer(args, out, err), kExitUsage);
  CHECK_EQ(out.str(), "");
  CHECK_EQ(err.str(),
           "mesos-containerizer: launch: --sandbox is required (see mesos-containerizer help)\n");
  CHECK(!std::filesystem::exists(dir.path() + "/termination"));
}

TEST(help_documents_the_launch_contract) {
  std::ostringstream out;
  std::ostringstream err;
  const std::vector<std::string_view> args = {"help"};
  CHECK_EQ(runContainerizer(args, out, err), kExitSuccess);
  for (const char* flag : {"--run_dir=DIR", "--sandbox=DIR", "--shell", "--namespaces=LIST",
                           "--hostname=NAME", "--user=NAME", "--environment=FILE",
                           "--rootfs=DIR", "--sandbox_mount=PATH",
                           "--cgroup=DIR", "--cgroup2=DIR", "--memory_cgroup=DIR",
                           "{\"pid\":<task pid>,\"launcher_pid\":<pid>}", "{\"error\":",
                           "<run_dir>/termination"}) {
    CHECK_CONTAINS(out.str(), flag);
  }
}

// -----------------------------------------------------------------------------------------------
// The termination record.

TEST(termination_json_reports_exit_codes_like_mesos) {
  // A wait status is exit code << 8 for a normal exit.
  CHECK_EQ(terminationJson(Termination{0, false, std::nullopt}),
           "{\"status\":0,\"exit_code\":0,\"oom\":false,\"message\":\"Command exited with status "
           "0\"}");
  CHECK_EQ(terminationJson(Termination{3 << 8, false, std::nullopt}),
           "{\"status\":768,\"exit_code\":3,\"oom\":false,\"message\":\"Command exited with status "
           "3\"}");
}

TEST(termination_json_reports_signals_and_oom) {
  CHECK_EQ(terminationJson(Termination{SIGKILL, false, std::nullopt}),
           "{\"status\":9,\"signal\":9,\"oom\":false,\"message\":\"Command terminated with signal "
           "Killed\"}");
  CHECK_EQ(terminationMessage(Termination{SIGTERM, false, std::nullopt}),
           "Command terminated with signal Terminated");
  // An OOM kill wins the message whatever the status, as Mesos's memory limitation does.
  CHECK_EQ(terminationJson(Termination{SIGKILL, true, std::nullopt}),
           "{\"status\":9,\"signal\":9,\"oom\":true,\"message\":\"Memory limit exceeded\"}");
  CHECK_EQ(terminationMessage(Termination{137 << 8, true, std::nullopt}), "Memory limit exceeded");
}

TEST(termination_json_reports_launch_errors_with_or_without_a_process) {
  CHECK_EQ(terminationJson(Termination{127 << 8, false, "Failed to execute 'x': No such file"}),
           "{\"status\":32512,\"exit_code\":127,\"oom\":false,\"launch_error\":\"Failed to "
           "execute 'x': No such file\",\"message\":\"Failed to execute 'x': No such file\"}");
  CHECK_EQ(terminationJson(Termination{std::nullopt, false, "unknown user \"a\"\n"}),
           "{\"oom\":false,\"launch_error\":\"unknown user \\\"a\\\"\\u000a\",\"message\":"
           "\"unknown user \\\"a\\\"\\u000a\"}");
}

// -----------------------------------------------------------------------------------------------
// The environment file.

TEST(parse_environment_reads_nul_terminated_entries_verbatim) {
  using namespace std::string_literals;
  const auto entries = parseEnvironment("A=1\0SPACES=a b  c\0LINES=x\ny\n\0EQ==a=b=\0EMPTY=\0"s);
  REQUIRE_OK(entries);
  CHECK(entries.get() == std::vector<std::string>(
                             {"A=1", "SPACES=a b  c", "LINES=x\ny\n", "EQ==a=b=", "EMPTY="}));
  const auto none = parseEnvironment("");
  REQUIRE_OK(none);
  CHECK(none.get().empty());
  // Names are whatever precedes the first '=': the launcher does not judge their characters.
  const auto odd = parseEnvironment("LD_PRELOAD=/x.so\0lower.case-name=v\0"s);
  REQUIRE_OK(odd);
  CHECK_EQ(odd.get().size(), 2u);
}

TEST(parse_environment_rejects_malformed_files) {
  using namespace std::string_literals;
  auto error = [](std::string_view content) {
    const auto entries = parseEnvironment(content);
    return entries.isError() ? entries.error().message : std::string("(parsed)");
  };
  CHECK_EQ(error("A=1"), "entry 1 is not terminated by a NUL byte");
  CHECK_EQ(error("A=1\0B=2"s), "entry 2 is not terminated by a NUL byte");
  CHECK_EQ(error("A=1\nB=2\n"), "entry 1 is not terminated by a NUL byte");
  CHECK_EQ(error("A=1\0\0"s), "entry 2 is empty");
  CHECK_EQ(error("\0"s), "entry 1 is empty");
  CHECK_EQ(error("A=1\0NOVALUE\0"s), "entry 2 has no '=' (expected NAME=VALUE)");
  CHECK_EQ(error("=value\0"s), "entry 1 has an empty name");
  CHECK_EQ(error("A=1\0B=2\0A=3\0"s), "entry 3 sets a variable an earlier entry sets");
}

TEST(the_task_environment_gets_a_default_path_and_the_users_variables) {
  const std::string path = "PATH=" + std::string(kDefaultTaskPath);
  CHECK(taskEnvironment({}, std::nullopt) == std::vector<std::string>({path}));
  CHECK(taskEnvironment({"A=1", "PATH=/opt/bin"}, std::nullopt) ==
        std::vector<std::string>({"A=1", "PATH=/opt/bin"}));
  // An empty PATH is the task's choice, not a missing one.
  CHECK(taskEnvironment({"PATH="}, std::nullopt) == std::vector<std::string>({"PATH="}));
  CHECK(taskEnvironment({"HOME=/root", "PATHX=1", "USER=root", "LOGNAME=root", "HOMER=x"},
                        UserVariables{"/home/u", "u"}) ==
        std::vector<std::string>(
            {"PATHX=1", "HOMER=x", path, "HOME=/home/u", "USER=u", "LOGNAME=u"}));
}

// -----------------------------------------------------------------------------------------------
// The launcher as a process, without root.

TEST(a_task_runs_in_its_sandbox_and_its_exit_code_is_recorded) {
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--shell", "--", "echo out; echo err >&2; pwd; exit 3"}));
  const std::string line = launcher.firstLine();
  REQUIRE_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(launcher.out(), line + "\n");
  CHECK_EQ(line, "{\"pid\":" + std::to_string(launcher.taskPid().value_or(-1)) +
                     ",\"launcher_pid\":" + std::to_string(launcher.pid()) + "}");
  CHECK_EQ(dirs.pids(), line + "\n");
  CHECK(!std::filesystem::exists(dirs.run + "/pids.tmp"));
  CHECK_EQ(dirs.termination(),
           "{\"status\":768,\"exit_code\":3,\"oom\":false,\"message\":\"Command exited with status "
           "3\"}\n");
  CHECK_EQ(dirs.taskStdout(), "out\n" + dirs.sandbox + "\n");
  CHECK_EQ(dirs.taskStderr(), "err\n");
  CHECK_EQ(launcher.err(), "");
  struct stat status;
  REQUIRE(::stat((dirs.sandbox + "/stdout").c_str(), &status) == 0);
  CHECK_EQ(status.st_mode & 0022, 0u);  // at most 0644, whatever the umask adds
}

TEST(stdout_and_stderr_files_are_appended_to) {
  const Dirs dirs;
  for (const char* word : {"one", "two"}) {
    Launcher launcher(concat(dirs.flags(), {"--", "echo", word}));
    CHECK_EQ(launcher.finish(), kExitSuccess);
  }
  CHECK_EQ(dirs.taskStdout(), "one\ntwo\n");
}

TEST(the_environment_and_argv_reach_the_task_unchanged) {
  const Dirs dirs;
  Launcher launcher(
      concat(dirs.flags(), {dirs.environment({"MESOS_TEST_VALUE=hello world"}), "--", "/bin/sh",
                            "-c", "printf '[%s]' \"$MESOS_TEST_VALUE\" \"$0\" \"$1\"", "zero",
                            "a b"}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(dirs.taskStdout(), "[hello world][zero][a b]");
}

TEST(a_task_killed_by_a_signal_records_the_signal) {
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--shell", "--", "kill -9 $$"}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(dirs.termination(),
           "{\"status\":9,\"signal\":9,\"oom\":false,\"message\":\"Command terminated with signal "
           "Killed\"}\n");
}

TEST(the_task_is_a_session_leader_and_sigterm_to_the_launcher_is_forwarded) {
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--", "sleep", "30"}));
  REQUIRE_NE(launcher.firstLine(), "");
  const pid_t task = launcher.taskPid().value_or(-1);
  REQUIRE(task > 0);
  // Its own session and process group, so kill(-pid) reaches it and nothing of ours.
  CHECK_EQ(::getsid(task), task);
  CHECK_EQ(::getpgid(task), task);
  CHECK(::getpgid(task) != ::getpgrp());
  // The launcher ignores SIGHUP (the agent's session may hang up) ...
  ::kill(launcher.pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(running(launcher));
  // ... and forwards SIGTERM.
  ::kill(launcher.pid(), SIGTERM);
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(dirs.termination(),
           "{\"status\":15,\"signal\":15,\"oom\":false,\"message\":\"Command terminated with "
           "signal Terminated\"}\n");
}

TEST(the_launcher_outlives_a_closed_stdout) {
  const Dirs dirs;
  // The agent died before the launcher could report: the write fails with EPIPE, not SIGPIPE.
  Launcher launcher(concat(dirs.flags(), {"--shell", "--", "sleep 0.1; exit 4"}),
                    {.env = {}, .stdoutClosed = true});
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_CONTAINS(dirs.pids(), "\"launcher_pid\":" + std::to_string(launcher.pid()));
  CHECK_CONTAINS(dirs.termination(), "\"exit_code\":4");
}

TEST(exec_failures_are_launch_errors) {
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--", "/nonexistent/mesos-no-such-binary", "arg"}));
  CHECK_EQ(launcher.finish(), kExitFailure);
  // An absolute path: a PATH search would report EACCES for any unreadable PATH directory.
  const std::string message =
      "Failed to execute '/nonexistent/mesos-no-such-binary': No such file or directory";
  CHECK_EQ(launcher.out(), "{\"error\":\"" + message + "\"}\n");
  CHECK_EQ(launcher.err(), "mesos-containerizer: launch: " + message + "\n");
  CHECK_EQ(dirs.termination(), "{\"status\":32512,\"exit_code\":127,\"oom\":false,"
                               "\"launch_error\":\"" + message + "\",\"message\":\"" + message +
                                   "\"}\n");
  CHECK(!std::filesystem::exists(dirs.run + "/pids"));
}

TEST(task_side_failures_quote_the_syscall_and_path) {
  const Dirs dirs;
  // A directory where the task's stdout file should be: open() fails in the task.
  std::filesystem::create_directory(dirs.sandbox + "/stdout");
  Launcher launcher(concat(dirs.flags(), {"--", "true"}));
  CHECK_EQ(launcher.finish(), kExitFailure);
  const std::string message =
      "Failed to open stdout: open(\"" + dirs.sandbox + "/stdout\"): Is a directory";
  CHECK_EQ(launcher.err(), "mesos-containerizer: launch: " + message + "\n");
  CHECK_CONTAINS(dirs.termination(), "\"exit_code\":127");
  CHECK_CONTAINS(dirs.termination(), "\"launch_error\":" + mesos::cgroups::jsonString(message));
}

TEST(the_environment_file_reaches_the_task_exactly) {
  const Dirs dirs;
  const std::vector<std::string> entries = {"SPACES=a b  c ", "LINES=one\ntwo\n", "EQUALS==a=b=",
                                            "EMPTY=", "PATH=/usr/bin:/bin"};
  // The launcher's own environment is not the task's, whatever it holds.
  Launcher launcher(concat(dirs.flags(), {dirs.environment(entries), "--", "env", "-0"}),
                    {.env = {{"MESOS_TEST_LAUNCHER_ONLY", "1"}}, .stdoutClosed = false});
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK(environmentEntries(dirs.taskStdout()) == sorted(entries));
  CHECK_EQ(launcher.err(), "");
}

TEST(without_an_environment_file_the_task_gets_only_the_default_path) {
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--", "env", "-0"}),
                    {.env = {{"MESOS_TEST_LAUNCHER_ONLY", "1"}, {"PATH", "/usr/bin:/bin"}},
                     .stdoutClosed = false});
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(dirs.taskStdout(), "PATH=" + std::string(kDefaultTaskPath) + '\0');
}

TEST(the_shell_gets_the_environment_file_too) {
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {dirs.environment({"MESOS_TEST_VALUE=a=b c"}), "--shell",
                                          "--", "printf '[%s]' \"$MESOS_TEST_VALUE\""}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(dirs.taskStdout(), "[a=b c]");
}

TEST(ld_preload_in_the_environment_file_reaches_only_the_task) {
  const Dirs dirs;
  // A library that does not exist: every process the dynamic loader honours it for prints an
  // "ld.so: object ... cannot be preloaded" error on its stderr.
  const std::string preload = dirs.temp.path() + "/mesos-no-such-preload.so";
  Launcher launcher(concat(dirs.flags(), {dirs.environment({"LD_PRELOAD=" + preload}), "--shell",
                                          "--", "echo \"$LD_PRELOAD\"; exec sleep 30"}));
  REQUIRE_NE(launcher.firstLine(), "");
  // The launcher's environment, as the kernel has it, and as any program it ran would get it.
  const std::string own = readOr("/proc/" + std::to_string(launcher.pid()) + "/environ");
  CHECK(own.find("LD_PRELOAD") == std::string::npos);
  CHECK(waitUntil([&] { return dirs.taskStdout() == preload + "\n"; }, std::chrono::seconds(5)));
  ::kill(launcher.pid(), SIGTERM);
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(dirs.taskStdout(), preload + "\n");
  CHECK(launcher.err().find("ld.so") == std::string::npos);
  CHECK_EQ(launcher.err(), "");
  // The task's own processes did get it: the loader complained on the task's stderr.
  CHECK_CONTAINS(dirs.taskStderr(), "LD_PRELOAD");
}

TEST(the_program_is_searched_in_the_tasks_path_not_the_launchers) {
  const Dirs dirs;
  const std::string bin = dirs.temp.path() + "/bin";
  std::filesystem::create_directory(bin);
  const std::string program = bin + "/mesos-test-program";
  std::ofstream(program) << "#!/bin/sh\necho found in the task PATH\n";
  std::filesystem::permissions(program, std::filesystem::perms::owner_all);
  {
    Launcher launcher(concat(dirs.flags(), {dirs.environment({"PATH=/nonexistent:" + bin}), "--",
                                            "mesos-test-program"}),
                      {.env = {{"PATH", "/usr/bin:/bin"}}, .stdoutClosed = false});
    CHECK_EQ(launcher.finish(), kExitSuccess);
    CHECK_EQ(dirs.taskStdout(), "found in the task PATH\n");
  }
  {
    // Only the launcher's PATH has it: not found.
    Launcher launcher(concat(dirs.flags(), {dirs.environment({"PATH=/usr/bin:/bin"}), "--",
                                            "mesos-test-program"}),
                      {.env = {{"PATH", bin}}, .stdoutClosed = false});
    CHECK_EQ(launcher.finish(), kExitFailure);
    CHECK_EQ(launcher.err(), "mesos-containerizer: launch: Failed to execute 'mesos-test-program': "
                             "No such file or directory\n");
  }
}

TEST(a_malformed_or_missing_environment_file_is_a_launch_error) {
  const Dirs dirs;
  {
    const std::string file = dirs.temp.write("environment", std::string("A=1\0B", 5));
    Launcher launcher(concat(dirs.flags(), {"--environment=" + file, "--", "true"}));
    CHECK_EQ(launcher.finish(), kExitFailure);
    const std::string message = "--environment: malformed file \"" + file +
                                "\": entry 2 is not terminated by a NUL byte";
    CHECK_EQ(launcher.out(), "{\"error\":" + mesos::cgroups::jsonString(message) + "}\n");
    CHECK_EQ(launcher.err(), "mesos-containerizer: launch: " + message + "\n");
    // Before any process existed: no status.
    CHECK_EQ(dirs.termination(), "{\"oom\":false,\"launch_error\":" +
                                     mesos::cgroups::jsonString(message) + ",\"message\":" +
                                     mesos::cgroups::jsonString(message) + "}\n");
    CHECK(!std::filesystem::exists(dirs.sandbox + "/stdout"));
  }
  {
    const std::string missing = dirs.temp.path() + "/no-such-environment";
    Launcher launcher(concat(dirs.flags(), {"--environment=" + missing, "--", "true"}));
    CHECK_EQ(launcher.finish(), kExitFailure);
    CHECK_CONTAINS(launcher.err(), "--environment: open(\"" + missing +
                                       "\"): No such file or directory\n");
  }
}

TEST(a_symlinked_stdout_or_stderr_is_refused_and_its_target_untouched) {
  // The planted link points at an existing file (which must not be appended to) or nowhere
  // (where nothing must be created), as stdout or as stderr.
  for (const std::string name : {"stdout", "stderr"}) {
    for (const bool dangling : {false, true}) {
      const Dirs dirs;
      const std::string target = dangling ? dirs.temp.path() + "/created-through-a-link"
                                          : dirs.temp.write("target", "x\n");
      const std::string link = dirs.sandbox + "/" + name;
      std::filesystem::create_symlink(target, link);
      Launcher launcher(concat(dirs.flags(), {"--shell", "--", "echo hi; echo hi >&2"}));
      CHECK_EQ(launcher.finish(), kExitFailure);
      const std::string message =
          "Failed to open " + name + ": open(\"" + link + "\"): Too many levels of symbolic links";
      CHECK_EQ(launcher.out(), "{\"error\":" + mesos::cgroups::jsonString(message) + "}\n");
      CHECK_EQ(launcher.err(), "mesos-containerizer: launch: " + message + "\n");
      CHECK_CONTAINS(dirs.termination(), "\"exit_code\":127");
      CHECK_CONTAINS(dirs.termination(), "\"launch_error\":" + mesos::cgroups::jsonString(message));
      if (dangling) {
        CHECK(!std::filesystem::exists(target));
      } else {
        CHECK_EQ(readOr(target), "x\n");
      }
      CHECK(std::filesystem::is_symlink(link));
    }
  }
}

TEST(a_fifo_as_stdout_is_refused_without_blocking) {
  const Dirs dirs;
  const std::string fifo = dirs.sandbox + "/stdout";
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  Launcher launcher(concat(dirs.flags(), {"--", "echo", "hi"}));
  CHECK_EQ(launcher.finish(std::chrono::seconds(5)), kExitFailure);
  const std::string message =
      "Failed to open stdout: open(\"" + fifo + "\"): Not a regular file (a FIFO)";
  CHECK_EQ(launcher.err(), "mesos-containerizer: launch: " + message + "\n");
  CHECK_CONTAINS(dirs.termination(), "\"exit_code\":127");
}

TEST(a_hard_linked_stdout_is_refused_and_its_other_name_untouched) {
  const Dirs dirs;
  const std::string target = dirs.temp.write("target", "precious\n");
  const std::string linked = dirs.sandbox + "/stdout";
  REQUIRE(::link(target.c_str(), linked.c_str()) == 0);
  Launcher launcher(concat(dirs.flags(), {"--", "echo", "hi"}));
  CHECK_EQ(launcher.finish(), kExitFailure);
  CHECK_EQ(launcher.err(), "mesos-containerizer: launch: Failed to open stdout: open(\"" + linked +
                               "\"): Refusing a file with 2 hard links\n");
  CHECK_EQ(readOr(target), "precious\n");
}

TEST(a_symlinked_sandbox_is_refused) {
  const Dirs dirs;
  const std::string link = dirs.temp.path() + "/sandbox-link";
  std::filesystem::create_symlink(dirs.sandbox, link);
  Launcher launcher({"--run_dir=" + dirs.run, "--sandbox=" + link, "--", "echo", "hi"});
  CHECK_EQ(launcher.finish(), kExitFailure);
  CHECK_CONTAINS(launcher.err(), "Failed to open the sandbox: open(\"" + link + "\"): ");
  CHECK(!std::filesystem::exists(dirs.sandbox + "/stdout"));
}

TEST(missing_directories_fail_before_anything_starts) {
  const Dirs dirs;
  {
    Launcher launcher(
        {"--run_dir=" + dirs.run + "/nope", "--sandbox=" + dirs.sandbox, "--", "true"});
    CHECK_EQ(launcher.finish(), kExitFailure);
    const std::string message =
        "--run_dir: stat(\"" + dirs.run + "/nope\"): No such file or directory";
    CHECK_EQ(launcher.out(), "{\"error\":" + mesos::cgroups::jsonString(message) + "}\n");
    CHECK_EQ(launcher.err(), "mesos-containerizer: launch: " + message + "\n");
  }
  {
    // With a usable run directory, the failure is also recorded there.
    Launcher launcher(
        {"--run_dir=" + dirs.run, "--sandbox=" + dirs.sandbox + "/nope", "--", "true"});
    CHECK_EQ(launcher.finish(), kExitFailure);
    CHECK_EQ(dirs.termination(),
             "{\"oom\":false,\"launch_error\":\"--sandbox: stat(\\\"" + dirs.sandbox +
                 "/nope\\\"): No such file or directory\",\"message\":\"--sandbox: stat(\\\"" +
                 dirs.sandbox + "/nope\\\"): No such file or directory\"}\n");
  }
}

TEST(an_unknown_user_fails_before_cloning) {
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--user=mesos-no-such-user", "--", "true"}));
  CHECK_EQ(launcher.finish(), kExitFailure);
  CHECK_EQ(launcher.out(), "{\"error\":\"unknown user 'mesos-no-such-user'\"}\n");
  CHECK_EQ(launcher.err(), "mesos-containerizer: launch: unknown user 'mesos-no-such-user'\n");
  // No "status": no process was ever created.
  CHECK_EQ(dirs.termination(),
           "{\"oom\":false,\"launch_error\":\"unknown user 'mesos-no-such-user'\",\"message\":"
           "\"unknown user 'mesos-no-such-user'\"}\n");
}

TEST(a_memory_cgroup_without_oom_files_is_a_launch_error) {
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--memory_cgroup=" + dirs.sandbox, "--", "true"}));
  CHECK_EQ(launcher.finish(), kExitFailure);
  CHECK_CONTAINS(launcher.err(), "Failed to watch for OOM: no memory.oom_control (cgroup v1) or "
                                 "memory.events (cgroup v2) in \"" + dirs.sandbox + "\"");
}

TEST(a_v2_oom_kill_notification_kills_the_task) {
  // memory.events in a plain directory behaves like the kernel's for inotify: the launcher only
  // needs IN_MODIFY and the oom_kill counter.
  const Dirs dirs;
  dirs.temp.write("memory.events", "low 0\nhigh 0\nmax 3\noom 0\noom_kill 2\n");
  Launcher launcher(
      concat(dirs.flags(), {"--memory_cgroup=" + dirs.temp.path(), "--", "sleep", "30"}));
  REQUIRE_NE(launcher.firstLine(), "");
  // A change that leaves oom_kill at its launch-time value is not an OOM.
  dirs.temp.write("memory.events", "low 0\nhigh 0\nmax 9\noom 1\noom_kill 2\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(running(launcher));
  // Writing in place (not rename) keeps the watched inode, like the kernel's counter updates.
  dirs.temp.write("memory.events", "low 0\nhigh 0\nmax 9\noom 2\noom_kill 3\n");
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(dirs.termination(),
           "{\"status\":9,\"signal\":9,\"oom\":true,\"message\":\"Memory limit exceeded\"}\n");
}

TEST(the_oom_counter_is_checked_again_after_the_task_ends) {
  // A v1-looking directory whose eventfd registration goes nowhere: only the re-check after exit
  // can see the OOM kill, which the task itself counts here.
  const Dirs dirs;
  const std::string control =
      dirs.temp.write("memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
  dirs.temp.write("cgroup.event_control", "");
  Launcher launcher(concat(dirs.flags(),
                           {"--memory_cgroup=" + dirs.temp.path(), "--shell", "--",
                            "printf 'oom_kill_disable 0\\nunder_oom 0\\noom_kill 1\\n' > " +
                                control}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(dirs.termination(),
           "{\"status\":0,\"exit_code\":0,\"oom\":true,\"message\":\"Memory limit exceeded\"}\n");
}

// -----------------------------------------------------------------------------------------------
// Root: namespaces, users, rootfs.

TEST(namespaces_are_new_exactly_when_asked_for) {
  if (!isRoot()) return skip("namespaces_are_new_exactly_when_asked_for", "needs root");
  // Launch flag name -> the file under /proc/self/ns/ that identifies the namespace.
  const std::pair<const char*, const char*> kinds[] = {
      {"pid", "pid"}, {"mount", "mnt"}, {"uts", "uts"}, {"ipc", "ipc"}, {"net", "net"}};
  for (const auto& [flag, file] : kinds) {
    const std::string own = std::filesystem::read_symlink(std::string("/proc/self/ns/") + file);
    for (const bool asked : {false, true}) {
      const Dirs dirs;
      Launcher launcher(concat(dirs.flags(), {std::string("--namespaces=") + (asked ? flag : ""),
                                              "--", "readlink",
                                              std::string("/proc/self/ns/") + file}));
      CHECK_EQ(launcher.finish(), kExitSuccess);
      const std::string seen = dirs.taskStdout();
      if (asked) {
        CHECK_NE(seen, own + "\n");
      } else {
        CHECK_EQ(seen, own + "\n");
      }
      CHECK_CONTAINS(seen, std::string(file) + ":[");
    }
  }
}

TEST(a_pid_namespace_task_is_pid_1_and_sees_only_its_processes) {
  if (!isRoot()) {
    return skip("a_pid_namespace_task_is_pid_1_and_sees_only_its_processes", "needs root");
  }
  const Dirs dirs;
  Launcher launcher(
      concat(dirs.flags(), {"--namespaces=pid", "--shell", "--", "echo $$; ls /proc"}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  std::istringstream lines(dirs.taskStdout());
  std::string first;
  std::getline(lines, first);
  CHECK_EQ(first, "1");
  std::set<int> pids;
  for (std::string entry; std::getline(lines, entry);) {
    if (!entry.empty() && entry.find_first_not_of("0123456789") == std::string::npos) {
      pids.insert(std::stoi(entry));
    }
  }
  // The shell (1) and possibly ls (2), if the shell forked it instead of exec'ing it.
  CHECK(pids.count(1) == 1);
  CHECK_LE(pids.size(), 2u);
  CHECK_LE(*pids.rbegin(), 2);
  // The fresh /proc was mounted in the task's mount namespace only.
  CHECK(std::filesystem::exists("/proc/" + std::to_string(::getpid())));
  CHECK_CONTAINS(dirs.termination(), "\"exit_code\":0");
}

TEST(sigterm_in_a_pid_namespace_reaches_the_inits_children) {
  if (!isRoot()) return skip("sigterm_in_a_pid_namespace_reaches_the_inits_children", "needs root");
  const Dirs dirs;
  // The shell is the namespace's init and has no SIGTERM handler, so the kernel drops the signal
  // for it; sleep, in the same process group, dies of it, and then the shell's wait returns.
  Launcher launcher(
      concat(dirs.flags(), {"--namespaces=pid", "--shell", "--", "sleep 30 & wait; exit 7"}));
  REQUIRE_NE(launcher.firstLine(), "");
  // Let the shell start sleep before the signal.
  const pid_t task = launcher.taskPid().value_or(-1);
  CHECK(waitUntil([&] { return readOr("/proc/" + std::to_string(task) + "/task/" +
                                      std::to_string(task) + "/children", "") != ""; },
                  std::chrono::seconds(5)));
  ::kill(launcher.pid(), SIGTERM);
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_CONTAINS(dirs.termination(), "\"exit_code\":7");
}

TEST(a_uts_namespace_task_has_its_own_hostname) {
  if (!isRoot()) return skip("a_uts_namespace_task_has_its_own_hostname", "needs root");
  char before[256] = {};
  ::gethostname(before, sizeof before - 1);
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--namespaces=uts", "--hostname=mesos-launch-test", "--",
                                          "hostname"}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(dirs.taskStdout(), "mesos-launch-test\n");
  char after[256] = {};
  ::gethostname(after, sizeof after - 1);
  CHECK_EQ(std::string(after), std::string(before));
}

TEST(a_net_namespace_has_only_loopback_and_it_is_up) {
  if (!isRoot()) return skip("a_net_namespace_has_only_loopback_and_it_is_up", "needs root");
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--namespaces=net", "--", "cat", "/proc/net/dev"}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  const std::string devices = dirs.taskStdout();
  CHECK_CONTAINS(devices, "lo:");
  // Two header lines and lo.
  CHECK_EQ(std::count(devices.begin(), devices.end(), '\n'), 3);
  if (!std::filesystem::exists("/usr/sbin/ip")) {
    return skip("a_net_namespace_has_only_loopback_and_it_is_up", "no /usr/sbin/ip to check UP");
  }
  const Dirs ip;
  Launcher show(
      concat(ip.flags(), {"--namespaces=net", "--", "/usr/sbin/ip", "link", "show", "lo"}));
  CHECK_EQ(show.finish(), kExitSuccess);
  CHECK_CONTAINS(ip.taskStdout(), "LOOPBACK,UP");
}

TEST(a_task_runs_as_the_requested_user) {
  if (!isRoot()) return skip("a_task_runs_as_the_requested_user", "needs root");
  const struct passwd* nobody = ::getpwnam("nobody");
  if (nobody == nullptr) return skip("a_task_runs_as_the_requested_user", "no user 'nobody'");
  const std::string expected = std::to_string(nobody->pw_uid) + " " +
                               std::to_string(nobody->pw_gid) + " " + nobody->pw_dir +
                               " nobody nobody\n";
  const Dirs dirs;
  // stdout and stderr are opened, and the sandbox entered, before the user switch, so the sandbox
  // need not belong to the user. HOME, USER and LOGNAME are replaced, not inherited.
  Launcher launcher(concat(dirs.flags(), {"--user=nobody",
                                          dirs.environment({"HOME=/root", "USER=root", "X=1"}),
                                          "--shell", "--",
                                          "echo $(id -u) $(id -g) $HOME $USER $LOGNAME"}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(dirs.taskStdout(), expected);
  // The files the launcher created for the task are the user's, like Mesos's sandbox files.
  for (const char* name : {"/stdout", "/stderr"}) {
    struct stat status;
    REQUIRE(::stat((dirs.sandbox + name).c_str(), &status) == 0);
    CHECK_EQ(status.st_uid, nobody->pw_uid);
    CHECK_EQ(status.st_gid, nobody->pw_gid);
  }
}

TEST(existing_output_files_keep_their_owner_under_a_user_switch) {
  if (!isRoot()) {
    return skip("existing_output_files_keep_their_owner_under_a_user_switch", "needs root");
  }
  const struct passwd* nobody = ::getpwnam("nobody");
  if (nobody == nullptr) {
    return skip("existing_output_files_keep_their_owner_under_a_user_switch", "no user 'nobody'");
  }
  const Dirs dirs;
  const std::string existing = dirs.sandbox + "/stderr";
  std::ofstream(existing) << "before\n";
  struct stat before;
  REQUIRE(::stat(existing.c_str(), &before) == 0);
  Launcher launcher(concat(dirs.flags(), {"--user=nobody", "--shell", "--", "echo after >&2"}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  struct stat after;
  REQUIRE(::stat(existing.c_str(), &after) == 0);
  CHECK_EQ(after.st_uid, before.st_uid);
  CHECK_EQ(dirs.taskStderr(), "before\nafter\n");
  struct stat created;
  REQUIRE(::stat((dirs.sandbox + "/stdout").c_str(), &created) == 0);
  CHECK_EQ(created.st_uid, nobody->pw_uid);
}

TEST(a_device_as_stdout_is_refused_without_being_opened) {
  if (!isRoot()) return skip("a_device_as_stdout_is_refused_without_being_opened", "needs root");
  const Dirs dirs;
  const std::string device = dirs.sandbox + "/stdout";
  // /dev/null's numbers: harmless even if it were opened.
  REQUIRE(::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0);
  Launcher launcher(concat(dirs.flags(), {"--", "echo", "hi"}));
  CHECK_EQ(launcher.finish(), kExitFailure);
  CHECK_EQ(launcher.err(), "mesos-containerizer: launch: Failed to open stdout: open(\"" + device +
                               "\"): Not a regular file (a character device)\n");
}

// Copies /bin/sh and the shared libraries it needs into `root`, a minimal image.
bool buildShellImage(const std::string& root) {
  namespace fs = std::filesystem;
  std::vector<std::string> files = {"/bin/sh"};
  FILE* ldd = ::popen("ldd /bin/sh", "r");
  if (ldd == nullptr) return false;
  char line[512];
  while (std::fgets(line, sizeof line, ldd) != nullptr) {
    std::istringstream words(line);
    for (std::string word; words >> word;) {
      if (word.starts_with("/")) files.push_back(word);
    }
  }
  if (::pclose(ldd) != 0) return false;
  std::error_code error;
  for (const std::string& file : files) {
    fs::create_directories(root + fs::path(file).parent_path().string(), error);
    // copy_file follows symlinks (/bin/sh -> dash, ld.so links), which is what the image needs.
    if (!fs::copy_file(file, root + file, fs::copy_options::overwrite_existing, error)) {
      return false;
    }
    fs::permissions(root + file, fs::perms::owner_all | fs::perms::group_read |
                                     fs::perms::group_exec | fs::perms::others_read |
                                     fs::perms::others_exec);
  }
  return true;
}

TEST(a_rootfs_task_sees_its_image_and_the_sandbox_mount) {
  if (!isRoot()) return skip("a_rootfs_task_sees_its_image_and_the_sandbox_mount", "needs root");
  const Dirs dirs;
  const std::string image = dirs.temp.path() + "/image";
  if (!buildShellImage(image)) {
    return skip("a_rootfs_task_sees_its_image_and_the_sandbox_mount", "cannot copy /bin/sh");
  }
  Launcher launcher(concat(dirs.flags(),
                           {"--namespaces=mount,pid", "--rootfs=" + image, "--shell", "--",
                            // Builtins only: a fork would add a pid to the listing of /proc.
                            "echo $PWD; cd /; echo *; cd /proc; echo [0-9]*; "
                            "echo written > /mnt/mesos/sandbox/from-image"}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  std::istringstream lines(dirs.taskStdout());
  std::string pwd;
  std::string root;
  std::string procs;
  std::getline(lines, pwd);
  std::getline(lines, root);
  std::getline(lines, procs);
  CHECK_EQ(pwd, "/mnt/mesos/sandbox");
  // The image's top level (with /proc and /mnt, created by the launcher), nothing of the host's.
  std::set<std::string> top;
  for (const auto& entry : std::filesystem::directory_iterator(image)) {
    top.insert(entry.path().filename().string());
  }
  std::string expected;
  for (const std::string& name : top) expected += (expected.empty() ? "" : " ") + name;
  CHECK_EQ(root, expected);
  CHECK_CONTAINS(root, "mnt");
  CHECK_CONTAINS(root, "proc");
  CHECK_EQ(procs, "1");
  CHECK_EQ(readOr(dirs.sandbox + "/from-image"), "written\n");
  // The mounts lived and died with the task's mount namespace.
  CHECK(std::filesystem::is_empty(image + "/mnt/mesos/sandbox"));
  CHECK(std::filesystem::is_empty(image + "/proc"));
}

// -----------------------------------------------------------------------------------------------
// Root: cgroups.

TEST(the_task_joins_v1_cgroups_and_the_launcher_does_not) {
  if (!isRoot()) return skip("the_task_joins_v1_cgroups_and_the_launcher_does_not", "needs root");
  std::string why;
  std::optional<TestCgroup> memory = TestCgroup::create("/sys/fs/cgroup/memory", why);
  std::optional<TestCgroup> pids = TestCgroup::create("/sys/fs/cgroup/pids", why);
  if (!memory || !pids) return skip("the_task_joins_v1_cgroups_and_the_launcher_does_not", why);
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--cgroup=" + memory->path(), "--cgroup=" + pids->path(),
                                          "--", "sleep", "30"}));
  REQUIRE_NE(launcher.firstLine(), "");
  const pid_t task = launcher.taskPid().value_or(-1);
  CHECK_CONTAINS(cgroupOf(task), ":memory:/" + memory->name() + "\n");
  CHECK_CONTAINS(cgroupOf(task), ":pids:/" + pids->name() + "\n");
  CHECK(cgroupOf(launcher.pid()).find(memory->name()) == std::string::npos);
  CHECK(cgroupOf(launcher.pid()).find(pids->name()) == std::string::npos);
  CHECK(memory->procs() == std::vector<pid_t>({task}));
  ::kill(launcher.pid(), SIGTERM);
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_CONTAINS(dirs.termination(), "\"signal\":15");
}

TEST(joining_a_missing_cgroup_is_a_launch_error) {
  if (!isRoot()) return skip("joining_a_missing_cgroup_is_a_launch_error", "needs root");
  const Dirs dirs;
  const std::string missing = "/sys/fs/cgroup/memory/" + uniqueName();
  Launcher launcher(concat(dirs.flags(), {"--cgroup=" + missing, "--", "true"}));
  CHECK_EQ(launcher.finish(), kExitFailure);
  const std::string message = "Failed to join the cgroup: open(\"" + missing +
                              "/cgroup.procs\"): No such file or directory";
  CHECK_EQ(launcher.err(), "mesos-containerizer: launch: " + message + "\n");
  // The waiting task was killed, never exec'd.
  CHECK_CONTAINS(dirs.termination(), "\"status\":9,\"signal\":9");
  CHECK_CONTAINS(dirs.termination(), "\"launch_error\":" + mesos::cgroups::jsonString(message));
}

TEST(a_v1_memory_limit_oom_is_detected_and_the_task_killed) {
  if (!isRoot()) return skip("a_v1_memory_limit_oom_is_detected_and_the_task_killed", "needs root");
  std::string why;
  std::optional<TestCgroup> memory = TestCgroup::create("/sys/fs/cgroup/memory", why);
  if (!memory) return skip("a_v1_memory_limit_oom_is_detected_and_the_task_killed", why);
  REQUIRE(memory->set("memory.limit_in_bytes", "33554432"));
  const Dirs dirs;
  // tail keeps the last line whole; /dev/zero has no newline, so it tries to hold all 200 MB.
  Launcher launcher(concat(dirs.flags(), {"--cgroup=" + memory->path(),
                                          "--memory_cgroup=" + memory->path(), "--shell", "--",
                                          "head -c 200m /dev/zero | tail; sleep 30"}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  const std::string termination = dirs.termination();
  CHECK_CONTAINS(termination, "\"oom\":true");
  CHECK_CONTAINS(termination, "\"message\":\"Memory limit exceeded\"");
  // Killed by the launcher, not left to `sleep 30`.
  CHECK_CONTAINS(termination, "\"signal\":9");
  // The cgroup really hit its limit. (oom_kill may stay 0: the launcher's SIGKILL can end the
  // task before the kernel's OOM killer picks a victim, since the eventfd fires first.)
  CHECK_NE(memory->get("memory.failcnt"), "0\n");
  CHECK_GE(std::stoll(memory->get("memory.max_usage_in_bytes")), 32LL << 20);
  CHECK(waitUntil([&] { return memory->procs().empty(); }, std::chrono::seconds(5)));
}

TEST(a_task_within_its_memory_limit_is_not_oom) {
  if (!isRoot()) return skip("a_task_within_its_memory_limit_is_not_oom", "needs root");
  std::string why;
  std::optional<TestCgroup> memory = TestCgroup::create("/sys/fs/cgroup/memory", why);
  if (!memory) return skip("a_task_within_its_memory_limit_is_not_oom", why);
  REQUIRE(memory->set("memory.limit_in_bytes", "33554432"));
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--cgroup=" + memory->path(),
                                          "--memory_cgroup=" + memory->path(), "--shell", "--",
                                          "head -c 8m /dev/zero | tail"}));
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_EQ(dirs.termination(),
           "{\"status\":0,\"exit_code\":0,\"oom\":false,\"message\":\"Command exited with status "
           "0\"}\n");
}

TEST(a_fork_bomb_is_contained_by_a_pids_cgroup) {
  if (!isRoot()) return skip("a_fork_bomb_is_contained_by_a_pids_cgroup", "needs root");
  std::string why;
  std::optional<TestCgroup> pids = TestCgroup::create("/sys/fs/cgroup/pids", why);
  if (!pids) return skip("a_fork_bomb_is_contained_by_a_pids_cgroup", why);
  REQUIRE(pids->set("pids.max", "20"));
  const Dirs dirs;
  // In its own pid namespace the bomb dies with its init: when the shell ends (its last fork
  // fails, or `sleep 1` returns) the kernel kills every process of the namespace.
  Launcher launcher(concat(dirs.flags(), {"--namespaces=pid", "--cgroup=" + pids->path(), "--shell",
                                          "--", "bomb() { bomb | bomb & }; bomb; sleep 1"}));
  REQUIRE_NE(launcher.firstLine(), "");
  CHECK(waitUntil([&] { return pids->get("pids.events") != "max 0\n"; }, std::chrono::seconds(5)));
  CHECK_LE(std::stoi(pids->get("pids.current")), 20);
  CHECK_EQ(launcher.finish(), kExitSuccess);
  CHECK_CONTAINS(dirs.termination(), "\"status\":");
  CHECK(waitUntil([&] { return pids->procs().empty(); }, std::chrono::seconds(5)));
}

TEST(clone3_starts_the_task_in_its_cgroup2_directory) {
  if (!isRoot()) return skip("clone3_starts_the_task_in_its_cgroup2_directory", "needs root");
  const auto& layout = mesos::cgroups::systemLayout();
  if (layout.isError() || !layout.get().v2) {
    return skip("clone3_starts_the_task_in_its_cgroup2_directory", "no cgroup2 hierarchy mounted");
  }
  std::string why;
  std::optional<TestCgroup> unified = TestCgroup::create(*layout.get().v2, why);
  if (!unified) return skip("clone3_starts_the_task_in_its_cgroup2_directory", why);
  const Dirs dirs;
  Launcher launcher(concat(dirs.flags(), {"--cgroup2=" + unified->path(), "--", "sleep", "30"}));
  REQUIRE_NE(launcher.firstLine(), "");
  const pid_t task = launcher.taskPid().value_or(-1);
  CHECK_CONTAINS(cgroupOf(task), "0::/" + unified->name() + "\n");
  CHECK(cgroupOf(launcher.pid()).find(unified->name()) == std::string::npos);
  ::kill(launcher.pid(), SIGTERM);
  CHECK_EQ(launcher.finish(), kExitSuccess);
}
