#include "cgroups/launch.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "cgroups/containerizer_cli.h"
#include "cgroups/namespaces.h"
#include "common/fd.h"
#include "common/file.h"
#include "common/text.h"

namespace mesos::cgroups {

namespace {

// ---------------------------------------------------------------------------------------------
// Small system helpers.

// Every descriptor the launcher opens (held in a UniqueFd) is O_CLOEXEC, so none of them reaches
// the task through exec.

std::string errnoText(int errnum) { return std::generic_category().message(errnum); }

// A failed system call that has no path, worded like `setsid(): Operation not permitted`.
Error syscallError(std::string_view syscall, int errnum) {
  Error error;
  error.errnum = errnum;
  error.syscall = std::string(syscall);
  error.message = error.syscall + "(): " + errnoText(errnum);
  return error;
}

// Writes all of `data`, retrying short writes and EINTR.
bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t count = ::write(fd, data.data(), data.size());
    if (count < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(count));
  }
  return true;
}

// Replaces `path` with `content` so that readers see the old file or the whole new one, never a
// part: write a sibling temporary file, rename it over. Nothing is fsynced, on purpose: the page
// cache survives the death of the launcher or the agent, which is what these files are for, and
// after a host crash they would describe processes that no longer exist (the agent treats a
// missing file like a lost one). An fsync here cost 0.3-5 ms of every launch on ext4.
std::optional<Error> writeFileAtomically(const std::string& path, std::string_view content) {
  const std::string temporary = path + ".tmp";
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                     0644));
  if (fd.get() < 0) return Error::fromErrno("open", temporary, errno);
  if (!writeAll(fd.get(), content)) return Error::fromErrno("write", temporary, errno);
  if (::close(fd.release()) != 0) return Error::fromErrno("close", temporary, errno);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    return Error::fromErrno("rename", path, errno);
  }
  return std::nullopt;
}

std::optional<Error> requireDirectory(const std::string& path) {
  struct stat status;
  if (::stat(path.c_str(), &status) != 0) return Error::fromErrno("stat", path, errno);
  if (!S_ISDIR(status.st_mode)) return Error::fromErrno("stat", path, ENOTDIR);
  return std::nullopt;
}

bool exists(const std::string& path) {
  struct stat status;
  return ::stat(path.c_str(), &status) == 0;
}

// The value of the line `<key> <number>` in a cgroup "flat keyed" file such as memory.events or
// memory.oom_control, or nullopt when the line is missing or malformed.
std::optional<std::uint64_t> keyedCounter(std::string_view text, std::string_view key) {
  for (const common::Line& numbered : common::Lines(text)) {
    const std::string_view line = numbered.text;
    if (line.size() <= key.size() || !line.starts_with(key) || line[key.size()] != ' ') continue;
    const std::string_view digits = line.substr(key.size() + 1);
    std::uint64_t value = 0;
    if (!common::parseDecimal(digits, value)) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Flags.

// How a flag takes its value.
enum class FlagKind {
  kSwitch,  // --shell: no value
  kText,    // --user=NAME: a non-empty value
  kList,    // --namespaces=LIST: a value that may be empty (the empty list)
  kPath,    // --sandbox=DIR: an absolute path
};

struct FlagSpec {
  std::string_view name;
  FlagKind kind;
  // Only --cgroup may be given more than once; repeating anything else is a mistake in the caller.
  bool repeatable;
  void (*apply)(LaunchOptions& options, std::string_view value);
};

// Every flag of `launch`; the usage text in containerizer_cli.cc documents the same list.
// --namespaces is stored aside by the parser because it can fail, and checked after the loop.
constexpr FlagSpec kLaunchFlags[] = {
    {"run_dir", FlagKind::kPath, false,
     [](LaunchOptions& o, std::string_view v) { o.runDir = std::string(v); }},
    {"sandbox", FlagKind::kPath, false,
     [](LaunchOptions& o, std::string_view v) { o.sandbox = std::string(v); }},
    {"shell", FlagKind::kSwitch, false, [](LaunchOptions& o, std::string_view) { o.shell = true; }},
    {"namespaces", FlagKind::kList, false, [](LaunchOptions&, std::string_view) {}},
    {"hostname", FlagKind::kText, false,
     [](LaunchOptions& o, std::string_view v) { o.hostname = std::string(v); }},
    {"user", FlagKind::kText, false,
     [](LaunchOptions& o, std::string_view v) { o.user = std::string(v); }},
    {"environment", FlagKind::kPath, false,
     [](LaunchOptions& o, std::string_view v) { o.environmentFile = std::string(v); }},
    {"rootfs", FlagKind::kPath, false,
     [](LaunchOptions& o, std::string_view v) { o.rootfs = std::string(v); }},
    {"sandbox_mount", FlagKind::kPath, false,
     [](LaunchOptions& o, std::string_view v) { o.sandboxMount = std::string(v); }},
    {"cgroup", FlagKind::kPath, true,
     [](LaunchOptions& o, std::string_view v) { o.cgroups.emplace_back(v); }},
    {"cgroup2", FlagKind::kPath, false,
     [](LaunchOptions& o, std::string_view v) { o.cgroup2 = std::string(v); }},
    {"memory_cgroup", FlagKind::kPath, false,
     [](LaunchOptions& o, std::string_view v) { o.memoryCgroup = std::string(v); }},
};

// HOST_NAME_MAX on Linux; sethostname() refuses longer names.
constexpr std::size_t kMaxHostnameLength = 64;

// ---------------------------------------------------------------------------------------------
// The task's user, resolved in the launcher before cloning.

struct TaskUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  std::string home;
};

// Resolved against the host's user database, before clone: an unknown user must fail the launch
// before any process exists, and inside a --rootfs the image's /etc/passwd may be missing. Unlike
// Mesos, which resolves inside the container, a --rootfs task's user must exist on the host.
Try<TaskUser> resolveUser(const std::string& name) {
  errno = 0;
  const struct passwd* entry = ::getpwnam(name.c_str());
  if (entry == nullptr) {
    // getpwnam(3): 0, ENOENT, ESRCH, EBADF or EPERM all mean "not found".
    if (errno == 0 || errno == ENOENT || errno == ESRCH || errno == EBADF || errno == EPERM) {
      return Error::plain("unknown user '" + name + "'");
    }
    return Error::fromErrno("getpwnam", name, errno);
  }
  TaskUser user{name, entry->pw_uid, entry->pw_gid, {},
                entry->pw_dir != nullptr ? entry->pw_dir : ""};
  int count = 16;
  user.groups.resize(static_cast<std::size_t>(count));
  // getgrouplist() reports the size it needs in `count` when the buffer is too small.
  for (int attempt = 0; ::getgrouplist(name.c_str(), user.gid, user.groups.data(), &count) < 0;
       ++attempt) {
    if (attempt == 8) return Error::plain("getgrouplist(\"" + name + "\"): too many groups");
    user.groups.resize(static_cast<std::size_t>(count) * 2);
    count = static_cast<int>(user.groups.size());
  }
  user.groups.resize(static_cast<std::size_t>(count));
  return user;
}

// ---------------------------------------------------------------------------------------------
// OOM detection.

// Watches one memory cgroup for OOM kills. Set up before the task is cloned, so that the counter
// baseline predates anything the task allocates.
class OomWatch {
 public:
  enum class Event {
    kNothing,  // a notification that is not an OOM kill of this cgroup
    kOom,      // the cgroup ran out of memory
    kClosed,   // the cgroup is gone; the descriptor will never fire again
  };

  static Try<OomWatch> open(const std::string& dir) {
    OomWatch watch;
    watch.dir_ = dir;
    const std::string oomControl = dir + "/memory.oom_control";
    const std::string events = dir + "/memory.events";
    if (exists(oomControl)) {
      // cgroup v1: an eventfd registered through cgroup.event_control fires when the cgroup hits
      // its limit, and (only) once more when the cgroup is removed.
      watch.v1_ = true;
      watch.counterFile_ = oomControl;
      watch.baseline_ = watch.oomKills().value_or(0);
      watch.notify_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
      if (watch.notify_.get() < 0) return syscallError("eventfd", errno);
      // The kernel keeps its own reference to oom_control; ours stays open for the watch's life
      // only to keep the registration simple to reason about.
      watch.control_ = UniqueFd(::open(oomControl.c_str(), O_RDONLY | O_CLOEXEC));
      if (watch.control_.get() < 0) return Error::fromErrno("open", oomControl, errno);
      const std::string eventControl = dir + "/cgroup.event_control";
      const UniqueFd registration(::open(eventControl.c_str(), O_WRONLY | O_CLOEXEC));
      if (registration.get() < 0) return Error::fromErrno("open", eventControl, errno);
      const std::string line =
          std::to_string(watch.notify_.get()) + " " + std::to_string(watch.control_.get());
      if (!writeAll(registration.get(), line)) {
        return Error::fromErrno("write", eventControl, errno);
      }
      return watch;
    }
    if (exists(events)) {
      // cgroup v2: memory.events is rewritten (IN_MODIFY) whenever one of its counters changes.
      // The watch is added before the baseline is read, so no change can fall between the two.
      watch.counterFile_ = events;
      watch.notify_ = UniqueFd(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
      if (watch.notify_.get() < 0) return syscallError("inotify_init1", errno);
      if (::inotify_add_watch(watch.notify_.get(), events.c_str(), IN_MODIFY) < 0) {
        return Error::fromErrno("inotify_add_watch", events, errno);
      }
      watch.baseline_ = watch.oomKills().value_or(0);
      return watch;
    }
    return Error::plain("no memory.oom_control (cgroup v1) or memory.events (cgroup v2) in \"" +
                            dir + "\"",
                        dir);
  }

  int fd() const { return notify_.get(); }

  // Consumes what made fd() readable and says what it meant.
  Event consume() {
    if (v1_) {
      std::uint64_t count = 0;
      while (::read(notify_.get(), &count, sizeof count) < 0 && errno == EINTR) {
      }
      // The eventfd fires on OOM and on rmdir of the cgroup. A cgroup that still exists was not
      // removed, so the event is an OOM. (Its oom_kill counter cannot confirm it: the kernel
      // signals the eventfd before its OOM killer picks a victim.)
      return exists(counterFile_) ? Event::kOom : Event::kClosed;
    }
    bool closed = false;
    alignas(struct inotify_event) char buffer[4096];
    for (;;) {
      const ssize_t count = ::read(notify_.get(), buffer, sizeof buffer);
      if (count < 0 && errno == EINTR) continue;
      if (count <= 0) break;
      for (ssize_t offset = 0; offset < count;) {
        struct inotify_event event;
        std::memcpy(&event, buffer + offset, sizeof event);
        // IN_IGNORED: the watch is gone with the file (the cgroup was removed).
        if ((event.mask & IN_IGNORED) != 0) closed = true;
        offset += static_cast<ssize_t>(sizeof event + event.len);
      }
    }
    if (oomKilledSinceLaunch()) return Event::kOom;
    return closed ? Event::kClosed : Event::kNothing;
  }

  // Whether the oom_kill counter grew since the watch was set up. Read once more after the task
  // ended, because an OOM kill of the task's main process can end it before the notification is
  // seen. A counter that cannot be read (the cgroup is gone, or a kernel without oom_kill in
  // memory.oom_control) counts as no kill.
  bool oomKilledSinceLaunch() const {
    const std::optional<std::uint64_t> kills = oomKills();
    return kills && *kills > baseline_;
  }

 private:
  OomWatch() = default;

  std::optional<std::uint64_t> oomKills() const {
    const Try<std::string> content = readFile(counterFile_);
    if (content.isError()) return std::nullopt;
    return keyedCounter(content.get(), "oom_kill");
  }

  bool v1_ = false;
  std::string dir_;
  // memory.oom_control (v1) or memory.events (v2): where the oom_kill counter is.
  std::string counterFile_;
  std::uint64_t baseline_ = 0;
  // The eventfd (v1) or inotify descriptor (v2) that becomes readable on a notification.
  UniqueFd notify_;
  UniqueFd control_;
};

// ---------------------------------------------------------------------------------------------
// Cloning and the task side.

// struct clone_args of <linux/sched.h> up to its `cgroup` field (CLONE_ARGS_SIZE_VER2, 88 bytes),
// spelled out here because that header clashes with glibc's <sched.h>.
struct CloneArgs {
  std::uint64_t flags;
  std::uint64_t pidfd;
  std::uint64_t childTid;
  std::uint64_t parentTid;
  std::uint64_t exitSignal;
  std::uint64_t stack;
  std::uint64_t stackSize;
  std::uint64_t tls;
  std::uint64_t setTid;
  std::uint64_t setTidSize;
  std::uint64_t cgroup;
};
static_assert(sizeof(CloneArgs) == 88);

constexpr std::uint64_t kCloneIntoCgroup = 0x200000000ULL;
constexpr unsigned kCloseRangeCloexec = 1U << 2;

// fork() with namespaces: returns 0 in the task, the task's pid in the launcher, -1 with errno.
//
// Both system calls are made without a new stack and without CLONE_VM, so the task is a
// copy-on-write copy of the launcher that returns here, exactly like fork(): ordinary C++ is safe
// in it (the launcher is single-threaded, so no lock is held by a thread that does not exist in
// the copy), and sanitizers see no foreign stack. glibc's fork() cannot be used because it takes
// no CLONE_NEW* flags; glibc's clone() needs a separate stack. The copy's glibc still believes
// it has the launcher's thread id, so the task side never calls raise(), abort() or pthread
// functions.
//
// With `cgroup2Fd` >= 0, clone3() with CLONE_INTO_CGROUP starts the task directly in that cgroup v2
// directory and sets `intoCgroup2`; kernels before 5.7 (ENOSYS, E2BIG, EINVAL) get the plain clone
// and the caller writes cgroup.procs instead.
pid_t cloneTask(int namespaces, int cgroup2Fd, bool& intoCgroup2) {
  intoCgroup2 = false;
  if (cgroup2Fd >= 0) {
    CloneArgs args{};
    args.flags = static_cast<std::uint64_t>(static_cast<unsigned>(namespaces)) | kCloneIntoCgroup;
    args.exitSignal = SIGCHLD;
    args.cgroup = static_cast<std::uint64_t>(cgroup2Fd);
    const long pid = ::syscall(SYS_clone3, &args, sizeof args);
    if (pid >= 0) {
      intoCgroup2 = true;
      return static_cast<pid_t>(pid);
    }
    if (errno != ENOSYS && errno != E2BIG && errno != EINVAL) return -1;
  }
  // The argument order (flags, stack, parent_tid, child_tid, tls) differs on a few architectures,
  // but every argument after the flags is zero here.
  return static_cast<pid_t>(::syscall(SYS_clone, static_cast<unsigned long>(namespaces) | SIGCHLD,
                                      nullptr, nullptr, nullptr, nullptr));
}

// Everything the task side needs, prepared by the launcher before cloning.
struct TaskPlan {
  const LaunchOptions& options;
  const std::optional<TaskUser>& user;
  // NAME=VALUE entries: exactly the environment the task execs with (taskEnvironment()).
  const std::vector<std::string>& environment;
  // The launcher's signal mask before it blocked the signals it supervises with.
  sigset_t originalMask;
  // Read end of the "go" pipe and write end of the close-on-exec error pipe.
  int goFd;
  int errorFd;
};

[[noreturn]] void failTask(int errorFd, const std::string& message) {
  // One write of a short message: a pipe write of at most PIPE_BUF bytes is never split.
  writeAll(errorFd, message.substr(0, PIPE_BUF));
  ::_exit(127);
}

// What a file type is called in a launch error.
const char* fileTypeName(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

Error notRegularFile(const std::string& path, mode_t mode) {
  return Error::plain("open(\"" + path + "\"): Not a regular file (" + fileTypeName(mode) + ")",
                      path);
}

// Opens <sandbox>/<name> for appending, as the task's stdout or stderr. The caller is still root
// and the sandbox is the framework's (a fetched archive may plant anything in it), so:
// - the name is resolved relative to `sandboxFd`, an O_DIRECTORY|O_NOFOLLOW descriptor of the
//   sandbox, with O_NOFOLLOW: a symlink fails with ELOOP instead of reaching /etc;
// - a FIFO, device or socket is refused before it is opened (opening a device can have effects,
//   and a FIFO without a reader would block), and O_NONBLOCK covers one swapped in meanwhile;
// - after open, fstat() decides: only a regular file with a single link is accepted (a hard link
//   could make the task append to a file of root's elsewhere on the same filesystem).
// A file created here (O_EXCL tells) is given to `user`, like Mesos's sandbox files.
Try<int> openOutput(int sandboxFd, const std::string& sandbox, const char* name,
                    const std::optional<TaskUser>& user) {
  const std::string path = sandbox + "/" + name;
  struct stat status;
  if (::fstatat(sandboxFd, name, &status, AT_SYMLINK_NOFOLLOW) == 0 &&
      (S_ISFIFO(status.st_mode) || S_ISCHR(status.st_mode) || S_ISBLK(status.st_mode) ||
       S_ISSOCK(status.st_mode))) {
    return notRegularFile(path, status.st_mode);
  }
  constexpr int kFlags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK;
  bool created = false;
  int fd = -1;
  // Create it, or else open what exists; retried in case it disappears between the two.
  for (int attempt = 0;; ++attempt) {
    fd = ::openat(sandboxFd, name, kFlags | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
      created = true;
      break;
    }
    if (errno != EEXIST) return Error::fromErrno("open", path, errno);
    fd = ::openat(sandboxFd, name, kFlags);
    if (fd >= 0) break;
    if (errno != ENOENT || attempt == 3) return Error::fromErrno("open", path, errno);
  }
  UniqueFd owned(fd);
  if (::fstat(fd, &status) != 0) return Error::fromErrno("fstat", path, errno);
  if (!S_ISREG(status.st_mode)) return notRegularFile(path, status.st_mode);
  if (status.st_nlink > 1) {
    return Error::plain("open(\"" + path + "\"): Refusing a file with " +
                            std::to_string(status.st_nlink) + " hard links",
                        path);
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    return Error::fromErrno("fcntl", path, errno);
  }
  if (created && user && ::fchown(fd, user->uid, user->gid) != 0) {
    return Error::fromErrno("fchown", path, errno);
  }
  return owned.release();
}

// Puts an open descriptor on `target` (0, 1 or 2), without close-on-exec. `fd` is never 0, 1 or
// 2 itself, because the launcher keeps those open (ensureStdio), so dup2() always copies.
bool moveOnto(int fd, int target) {
  if (::dup2(fd, target) != target) return false;
  ::close(fd);
  return true;
}

// The task side: runs in the cloned copy and never returns. On success it execs; on any failure
// it writes one message to the error pipe and _exit()s 127, so that neither the launcher's code
// after clone nor its stdio buffers run twice.
[[noreturn]] void runTask(const TaskPlan& plan) noexcept {
  try {
    const LaunchOptions& options = plan.options;
    const int errorFd = plan.errorFd;
    auto fail = [&](const std::string& what, const Error& error) {
      failTask(errorFd, what + ": " + error.message);
    };

    // Wait until the launcher has placed us in the cgroups: nothing the task does may be charged
    // elsewhere. EOF instead of the byte means the launcher gave up or died; there is nobody to
    // report to then.
    char go = 0;
    ssize_t count;
    do {
      count = ::read(plan.goFd, &go, 1);
    } while (count < 0 && errno == EINTR);
    if (count != 1) ::_exit(127);
    ::close(plan.goFd);

    // Our own session and process group (pgid = our pid), so the launcher can signal the whole
    // task with kill(-pid) and the agent's terminal or group never reaches it.
    if (::setsid() < 0) fail("Failed to start a session", syscallError("setsid", errno));

    // Opened before any mount changes, while the host paths are valid, and placed on 0, 1, 2 below.
    const int stdinFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (stdinFd < 0) fail("Failed to open stdin", Error::fromErrno("open", "/dev/null", errno));
    const int sandboxFd =
        ::open(options.sandbox.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sandboxFd < 0) {
      fail("Failed to open the sandbox", Error::fromErrno("open", options.sandbox, errno));
    }
    const Try<int> stdoutFd = openOutput(sandboxFd, options.sandbox, "stdout", plan.user);
    if (stdoutFd.isError()) fail("Failed to open stdout", stdoutFd.error());
    const Try<int> stderrFd = openOutput(sandboxFd, options.sandbox, "stderr", plan.user);
    if (stderrFd.isError()) fail("Failed to open stderr", stderrFd.error());
    ::close(sandboxFd);

    if ((options.namespaces & CLONE_NEWNS) != 0) {
      if (std::optional<Error> error = makeMountsPrivate()) {
        fail("Failed to make the mounts private", *error);
      }
    }
    if (options.rootfs) {
      if (std::optional<Error> error =
              pivotInto(*options.rootfs, options.sandbox, options.sandboxMount)) {
        fail("Failed to enter the rootfs", *error);
      }
    }
    // A new pid namespace needs a procfs of its own; a rootfs needs one at all.
    if ((options.namespaces & CLONE_NEWPID) != 0 || options.rootfs) {
      if (std::optional<Error> error = mountProc("/proc")) fail("Failed to mount /proc", *error);
    }
    if ((options.namespaces & CLONE_NEWNET) != 0) {
      if (std::optional<Error> error = bringUpLoopback()) {
        fail("Failed to bring up the loopback interface", *error);
      }
    }
    if (options.hostname) {
      if (std::optional<Error> error = setHostname(*options.hostname)) {
        fail("Failed to set the hostname", *error);
      }
    }

    if (!moveOnto(stdinFd, 0) || !moveOnto(stdoutFd.get(), 1) || !moveOnto(stderrFd.get(), 2)) {
      fail("Failed to set up stdio", syscallError("dup2", errno));
    }
    const std::string workingDirectory = options.rootfs ? options.sandboxMount : options.sandbox;
    if (::chdir(workingDirectory.c_str()) != 0) {
      fail("Failed to enter the sandbox", Error::fromErrno("chdir", workingDirectory, errno));
    }

    if (plan.user) {
      const TaskUser& user = *plan.user;
      // Groups first, uid last: after setuid() the process may no longer change its groups.
      if (::setgroups(user.groups.size(), user.groups.data()) != 0) {
        fail("Failed to switch to user '" + user.name + "'", syscallError("setgroups", errno));
      }
      if (::setgid(user.gid) != 0) {
        fail("Failed to switch to user '" + user.name + "'", syscallError("setgid", errno));
      }
      if (::setuid(user.uid) != 0) {
        fail("Failed to switch to user '" + user.name + "'", syscallError("setuid", errno));
      }
    }

    // Undo what the launcher did to itself, since dispositions "ignore" and the mask survive exec.
    ::signal(SIGPIPE, SIG_DFL);
    ::signal(SIGHUP, SIG_DFL);
    ::sigprocmask(SIG_SETMASK, &plan.originalMask, nullptr);
    // Descriptors the agent leaked to the launcher must not reach the task. Best effort: kernels
    // before 5.11 lack close_range.
    ::syscall(SYS_close_range, 3U, ~0U, kCloseRangeCloexec);

    std::vector<std::string> arguments;
    if (options.shell) {
      arguments = {"sh", "-c", options.argv.front()};
    } else {
      arguments = options.argv;
    }
    std::vector<char*> argv;
    for (std::string& argument : arguments) argv.push_back(argument.data());
    argv.push_back(nullptr);
    const char* program = options.shell ? "/bin/sh" : argv.front();
    // The task's environment replaces the launcher's copy in this process: execvp() both passes
    // `environ` to the program and searches getenv("PATH"), so the search uses the task's PATH
    // (glibc's execvpe() would search the launcher's).
    std::vector<std::string> variables = plan.environment;
    std::vector<char*> envp;
    for (std::string& variable : variables) envp.push_back(variable.data());
    envp.push_back(nullptr);
    ::environ = envp.data();
    ::execvp(program, argv.data());
    const int errnum = errno;
    failTask(errorFd, "Failed to execute '" + std::string(program) + "': " + errnoText(errnum));
  } catch (...) {
    // In practice std::bad_alloc; nothing may unwind past the clone.
    failTask(plan.errorFd, "Failed to prepare the task: unexpected exception");
  }
}

// ---------------------------------------------------------------------------------------------
// The launcher side.

std::optional<Error> joinCgroup(const std::string& dir, pid_t pid) {
  const std::string procs = dir + "/cgroup.procs";
  const UniqueFd fd(::open(procs.c_str(), O_WRONLY | O_CLOEXEC));
  if (fd.get() < 0) return Error::fromErrno("open", procs, errno);
  if (!writeAll(fd.get(), std::to_string(pid))) return Error::fromErrno("write", procs, errno);
  return std::nullopt;
}

// What the supervisor may signal. Until the launcher reaps the task, neither its pid nor its
// process group id (equal to the pid after the task's setsid()) can be reused, so these kills
// reach only the task's processes.
struct Task {
  pid_t pid;
  bool ownPidNamespace;

  // Delivers `signal` to the task's process group, or to its main process when the group is gone
  // (the task may have moved itself elsewhere). The init of a pid namespace receives only signals
  // it has a handler for (pid_namespaces(7)), but its group members receive them all.
  void signalGroup(int signal) const {
    if (::kill(-pid, signal) != 0) ::kill(pid, signal);
  }

  // In its own pid namespace, killing the init kills every process of the namespace; otherwise
  // the process group is what the launcher can reach (a process that left it is the agent's to
  // kill through the cgroup).
  void killAll() const {
    if (!ownPidNamespace) ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
};

// Opens /dev/null on whichever of 0, 1, 2 is closed. Otherwise a descriptor the launcher opens
// could land there: a stray write would reach it, and the task's stdio setup would overwrite it.
std::optional<Error> ensureStdio() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    // open() returns the lowest free descriptor, which is `fd`; it stays open for good.
    const int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened < 0) return Error::fromErrno("open", "/dev/null", errno);
  }
  return std::nullopt;
}

int waitFor(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Waits for the task, reacting to OOM notifications and to SIGTERM/SIGINT sent to the launcher.
Termination supervise(const Task& task, int signalFd, OomWatch* oom, std::ostream& err) {
  Termination termination;
  struct pollfd fds[2] = {{signalFd, POLLIN, 0}, {oom != nullptr ? oom->fd() : -1, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      err << "mesos-containerizer: launch: " << syscallError("poll", errno).message
          << "; waiting for the task without OOM detection or signal forwarding\n";
      termination.status = waitFor(task.pid);
      break;
    }
    if (fds[1].revents != 0) {
      switch (oom->consume()) {
        case OomWatch::Event::kOom:
          if (!termination.oom) task.killAll();
          termination.oom = true;
          break;
        case OomWatch::Event::kClosed:
          fds[1].fd = -1;  // poll() skips negative descriptors.
          break;
        case OomWatch::Event::kNothing:
          break;
      }
    }
    if (fds[0].revents != 0) {
      struct signalfd_siginfo info;
      while (::read(signalFd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        const int signal = static_cast<int>(info.ssi_signo);
        if (signal == SIGTERM || signal == SIGINT) task.signalGroup(signal);
      }
    }
    int status = 0;
    const pid_t reaped = ::waitpid(task.pid, &status, WNOHANG);
    if (reaped == task.pid) {
      termination.status = status;
      break;
    }
  }
  if (!termination.oom && oom != nullptr && oom->oomKilledSinceLaunch()) termination.oom = true;
  return termination;
}

std::string pidsJson(pid_t task, pid_t launcher) {
  return "{\"pid\":" + std::to_string(task) + ",\"launcher_pid\":" + std::to_string(launcher) + "}";
}

// Reports a failed launch where the agent looks: a line on stderr, the one stdout line, and the
// termination file (unless the run directory itself is the problem).
int failLaunch(const LaunchOptions& options, std::ostream& out, std::ostream& err,
               const std::string& message, std::optional<int> status = std::nullopt,
               bool recordTermination = true) {
  err << "mesos-containerizer: launch: " << message << "\n" << std::flush;
  out << "{\"error\":" << jsonString(message) << "}\n" << std::flush;
  if (recordTermination) {
    const Termination termination{status, false, message};
    if (std::optional<Error> error = writeFileAtomically(options.runDir + "/termination",
                                                         terminationJson(termination) + "\n")) {
      err << "mesos-containerizer: launch: Failed to record the termination: " << error->message
          << "\n";
    }
  }
  return kExitFailure;
}

}  // namespace

Try<LaunchOptions> parseLaunchFlags(std::span<const std::string_view> args) {
  LaunchOptions options;
  std::vector<std::string_view> seen;
  std::string_view namespaces;
  std::size_t index = 0;
  bool separator = false;
  for (; index < args.size(); ++index) {
    const std::string_view arg = args[index];
    if (arg == "--") {
      separator = true;
      ++index;
      break;
    }
    if (!arg.starts_with("--")) {
      return Error::plain("unexpected argument '" + std::string(arg) +
                          "' (the task's command goes after '--')");
    }
    const std::size_t equals = arg.find('=');
    const std::string_view name =
        arg.substr(2, equals == std::string_view::npos ? arg.npos : equals - 2);
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& candidate : kLaunchFlags) {
      if (candidate.name == name) spec = &candidate;
    }
    const std::string flag = "--" + std::string(name);
    if (spec == nullptr) return Error::plain("unknown flag '" + flag + "'");
    if (!spec->repeatable) {
      for (std::string_view previous : seen) {
        if (previous == name) return Error::plain(flag + " given more than once");
      }
      seen.push_back(name);
    }
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : arg.substr(equals + 1);
    if (spec->kind == FlagKind::kSwitch) {
      if (equals != std::string_view::npos) return Error::plain(flag + " takes no value");
    } else if (equals == std::string_view::npos ||
               (value.empty() && spec->kind != FlagKind::kList)) {
      return Error::plain(flag + " needs a value (" + flag + "=...)");
    } else if (spec->kind == FlagKind::kPath && !value.starts_with('/')) {
      return Error::plain(flag + " must be an absolute path, got '" + std::string(value) + "'");
    }
    if (name == "namespaces") namespaces = value;
    spec->apply(options, value);
  }
  auto given = [&](std::string_view name) {
    for (std::string_view previous : seen) {
      if (previous == name) return true;
    }
    return false;
  };

  if (!separator) return Error::plain("missing '--' before the task's command");
  for (; index < args.size(); ++index) options.argv.emplace_back(args[index]);
  if (options.argv.empty()) return Error::plain("no command after '--'");
  if (options.runDir.empty()) return Error::plain("--run_dir is required");
  if (options.sandbox.empty()) return Error::plain("--sandbox is required");
  if (options.shell && options.argv.size() != 1) {
    return Error::plain("--shell takes exactly one argument after '--', the shell command (got " +
                        std::to_string(options.argv.size()) + ")");
  }
  if (given("namespaces")) {
    const Try<int> flags = parseNamespaces(namespaces);
    if (flags.isError()) return Error::plain("--namespaces: " + flags.error().message);
    options.namespaces = flags.get();
  }
  if (options.hostname) {
    if ((options.namespaces & CLONE_NEWUTS) == 0) {
      return Error::plain("--hostname requires the uts namespace (--namespaces=...,uts)");
    }
    if (options.hostname->size() > kMaxHostnameLength) {
      return Error::plain("--hostname is longer than " + std::to_string(kMaxHostnameLength) +
                          " bytes");
    }
  }
  if (options.rootfs && (options.namespaces & CLONE_NEWNS) == 0) {
    return Error::plain("--rootfs requires the mount namespace (--namespaces=...,mount)");
  }
  if (given("sandbox_mount") && !options.rootfs) {
    return Error::plain("--sandbox_mount requires --rootfs");
  }
  return options;
}

Try<std::vector<std::string>> parseEnvironment(std::string_view content) {
  std::vector<std::string> entries;
  // Views into `content`, which outlives the set.
  std::unordered_set<std::string_view> names;
  // The messages never quote the file's bytes: they end up in a one-line log and in JSON.
  for (std::size_t number = 1; !content.empty(); ++number) {
    const std::string entry = "entry " + std::to_string(number);
    const std::size_t end = content.find('\0');
    if (end == std::string_view::npos) {
      return Error::plain(entry + " is not terminated by a NUL byte");
    }
    const std::string_view variable = content.substr(0, end);
    content.remove_prefix(end + 1);
    if (variable.empty()) return Error::plain(entry + " is empty");
    const std::size_t equals = variable.find('=');
    if (equals == std::string_view::npos) {
      return Error::plain(entry + " has no '=' (expected NAME=VALUE)");
    }
    if (equals == 0) return Error::plain(entry + " has an empty name");
    if (!names.insert(variable.substr(0, equals)).second) {
      return Error::plain(entry + " sets a variable an earlier entry sets");
    }
    entries.emplace_back(variable);
  }
  return entries;
}

std::vector<std::string> taskEnvironment(std::vector<std::string> entries,
                                         const std::optional<UserVariables>& user) {
  auto sets = [](const std::string& entry, std::string_view name) {
    return entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=';
  };
  bool hasPath = false;
  for (const std::string& entry : entries) hasPath = hasPath || sets(entry, "PATH");
  if (!hasPath) entries.push_back("PATH=" + std::string(kDefaultTaskPath));
  if (user) {
    std::erase_if(entries, [&](const std::string& entry) {
      return sets(entry, "HOME") || sets(entry, "USER") || sets(entry, "LOGNAME");
    });
    entries.push_back("HOME=" + user->home);
    entries.push_back("USER=" + user->name);
    entries.push_back("LOGNAME=" + user->name);
  }
  return entries;
}

std::string terminationMessage(const Termination& termination) {
  if (termination.launchError) return *termination.launchError;
  if (termination.oom) return "Memory limit exceeded";
  if (!termination.status) return "Command ended without a status";
  const int status = *termination.status;
  if (WIFEXITED(status)) return "Command exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    // strsignal() is not thread-safe; the launcher and the tests are single-threaded.
    return std::string("Command terminated with signal ") + ::strsignal(WTERMSIG(status));
  }
  return "Command ended with wait status " + std::to_string(status);
}

std::string terminationJson(const Termination& termination) {
  std::string json = "{";
  if (termination.status) {
    const int status = *termination.status;
    json += "\"status\":" + std::to_string(status) + ",";
    if (WIFEXITED(status)) json += "\"exit_code\":" + std::to_string(WEXITSTATUS(status)) + ",";
    if (WIFSIGNALED(status)) json += "\"signal\":" + std::to_string(WTERMSIG(status)) + ",";
  }
  json += std::string("\"oom\":") + (termination.oom ? "true" : "false");
  if (termination.launchError) json += ",\"launch_error\":" + jsonString(*termination.launchError);
  json += ",\"message\":" + jsonString(terminationMessage(termination)) + "}";
  return json;
}

int launch(const LaunchOptions& options, std::ostream& out, std::ostream& err) {
  // The launcher must outlive the agent: its stdout pipe may close and its session may hang up.
  ::signal(SIGPIPE, SIG_IGN);
  ::signal(SIGHUP, SIG_IGN);
  if (std::optional<Error> error = ensureStdio()) {
    return failLaunch(options, out, err, error->message, std::nullopt, false);
  }

  if (std::optional<Error> error = requireDirectory(options.runDir)) {
    return failLaunch(options, out, err, "--run_dir: " + error->message, std::nullopt, false);
  }
  if (std::optional<Error> error = requireDirectory(options.sandbox)) {
    return failLaunch(options, out, err, "--sandbox: " + error->message);
  }
  if (options.rootfs) {
    if (std::optional<Error> error = requireDirectory(*options.rootfs)) {
      return failLaunch(options, out, err, "--rootfs: " + error->message);
    }
  }
  std::optional<TaskUser> user;
  if (options.user) {
    Try<TaskUser> resolved = resolveUser(*options.user);
    if (resolved.isError()) return failLaunch(options, out, err, resolved.error().message);
    user = std::move(resolved).get();
  }
  // Read here, by the launcher, and never put into its own environment: only the task's exec
  // gets it.
  std::vector<std::string> entries;
  if (options.environmentFile) {
    const Try<std::string> content = readFile(*options.environmentFile);
    if (content.isError()) {
      return failLaunch(options, out, err, "--environment: " + content.error().message);
    }
    Try<std::vector<std::string>> parsed = parseEnvironment(content.get());
    if (parsed.isError()) {
      return failLaunch(options, out, err,
                        "--environment: malformed file \"" + *options.environmentFile +
                            "\": " + parsed.error().message);
    }
    entries = std::move(parsed).get();
  }
  const std::vector<std::string> environment = taskEnvironment(
      std::move(entries),
      user ? std::optional<UserVariables>(UserVariables{user->home, user->name}) : std::nullopt);
  std::optional<OomWatch> oom;
  if (options.memoryCgroup) {
    Try<OomWatch> watch = OomWatch::open(*options.memoryCgroup);
    if (watch.isError()) {
      return failLaunch(options, out, err, "Failed to watch for OOM: " + watch.error().message);
    }
    oom.emplace(std::move(watch).get());
  }
  UniqueFd cgroup2;
  if (options.cgroup2) {
    cgroup2 = UniqueFd(::open(options.cgroup2->c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (cgroup2.get() < 0) {
      return failLaunch(options, out, err,
                        "Failed to open the cgroup v2 directory: " +
                            Error::fromErrno("open", *options.cgroup2, errno).message);
    }
  }

  // Blocked before the clone, so that not even a task that dies at once can lose its SIGCHLD:
  // the signal stays pending until the signalfd reads it.
  sigset_t supervised;
  sigemptyset(&supervised);
  sigaddset(&supervised, SIGCHLD);
  sigaddset(&supervised, SIGTERM);
  sigaddset(&supervised, SIGINT);
  sigset_t originalMask;
  if (::sigprocmask(SIG_BLOCK, &supervised, &originalMask) != 0) {
    return failLaunch(options, out, err, syscallError("sigprocmask", errno).message);
  }
  const UniqueFd signals(::signalfd(-1, &supervised, SFD_CLOEXEC | SFD_NONBLOCK));
  if (signals.get() < 0) {
    return failLaunch(options, out, err, syscallError("signalfd", errno).message);
  }

  int goPipe[2];
  int errorPipe[2];
  if (::pipe2(goPipe, O_CLOEXEC) != 0) {
    return failLaunch(options, out, err, syscallError("pipe2", errno).message);
  }
  UniqueFd goRead(goPipe[0]);
  UniqueFd goWrite(goPipe[1]);
  if (::pipe2(errorPipe, O_CLOEXEC) != 0) {
    return failLaunch(options, out, err, syscallError("pipe2", errno).message);
  }
  UniqueFd errorRead(errorPipe[0]);
  UniqueFd errorWrite(errorPipe[1]);

  // Nothing may sit in the stream buffers when the process is copied.
  out.flush();
  err.flush();
  bool intoCgroup2 = false;
  const pid_t pid = cloneTask(options.namespaces, cgroup2.get(), intoCgroup2);
  if (pid < 0) {
    const int errnum = errno;
    return failLaunch(options, out, err,
                      "Failed to clone the task: clone(" + namespaceNames(options.namespaces) +
                          "): " + errnoText(errnum));
  }
  if (pid == 0) {
    goWrite.reset();
    errorRead.reset();
    runTask(TaskPlan{options, user, environment, originalMask, goRead.get(), errorWrite.get()});
  }
  goRead.reset();
  errorWrite.reset();
  const Task task{pid, (options.namespaces & CLONE_NEWPID) != 0};

  std::vector<std::string> joins = options.cgroups;
  if (options.cgroup2 && !intoCgroup2) joins.push_back(*options.cgroup2);
  for (const std::string& dir : joins) {
    if (std::optional<Error> error = joinCgroup(dir, pid)) {
      // The task is still waiting for "go", before setsid(): only its pid reaches it.
      ::kill(pid, SIGKILL);
      return failLaunch(options, out, err, "Failed to join the cgroup: " + error->message,
                        waitFor(pid));
    }
  }
  if (!writeAll(goWrite.get(), "g")) {
    ::kill(pid, SIGKILL);
    return failLaunch(options, out, err, syscallError("write", errno).message, waitFor(pid));
  }
  goWrite.reset();

  // The error pipe is close-on-exec: EOF without a message means the exec succeeded.
  std::string failure;
  char buffer[512];
  for (;;) {
    const ssize_t count = ::read(errorRead.get(), buffer, sizeof buffer);
    if (count < 0 && errno == EINTR) continue;
    if (count <= 0) break;
    failure.append(buffer, static_cast<std::size_t>(count));
  }
  if (!failure.empty()) return failLaunch(options, out, err, failure, waitFor(pid));

  // The pid file goes first, so the agent finds it once it has read the stdout line.
  const std::string pids = pidsJson(pid, ::getpid());
  if (std::optional<Error> error = writeFileAtomically(options.runDir + "/pids", pids + "\n")) {
    task.killAll();
    return failLaunch(options, out, err, "Failed to record the pids: " + error->message,
                      waitFor(pid));
  }
  out << pids << "\n" << std::flush;

  const Termination termination = supervise(task, signals.get(), oom ? &*oom : nullptr, err);
  if (std::optional<Error> error = writeFileAtomically(options.runDir + "/termination",
                                                       terminationJson(termination) + "\n")) {
    err << "mesos-containerizer: launch: Failed to record the termination: " << error->message
        << "\n";
    return kExitFailure;
  }
  return kExitSuccess;
}

}  // namespace mesos::cgroups
