#include "cgroups/backend.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <system_error>
#include <thread>

#include "common/fd.h"
#include "common/file.h"
#include "common/text.h"

namespace mesos::cgroups::backend {

namespace {

// Closes a directory stream on every return path.
class DirCloser {
 public:
  explicit DirCloser(DIR* dir) : dir_(dir) {}
  ~DirCloser() {
    if (dir_ != nullptr) ::closedir(dir_);
  }
  DirCloser(const DirCloser&) = delete;
  DirCloser& operator=(const DirCloser&) = delete;

 private:
  DIR* dir_;
};

std::string_view trimNewline(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return text;
}

Error malformed(const std::string& path, const std::string& why, std::string_view text) {
  return Error::plain("malformed " + path + " (" + why + "): " + common::quoteBytes(text, 120),
                      path);
}

// Writes `value` to `path` in one write(2). O_TRUNC matters only on a fake tree, where the file
// is a plain file; cgroup files ignore it. O_NOFOLLOW: cgroup filesystems have no symbolic links,
// so one would mean the path is not what it claims to be.
Try<Nothing> writeValue(const std::string& path, std::string_view value) {
  const UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
  if (!fd) return Error::fromErrno("open", path, errno);
  ssize_t written;
  do {
    written = ::write(fd.get(), value.data(), value.size());
  } while (written < 0 && errno == EINTR);
  if (written < 0 || static_cast<std::size_t>(written) != value.size()) {
    Error error = Error::fromErrno("write", path, written < 0 ? errno : EIO);
    if (written >= 0) error.message = "write(\"" + path + "\"): short write";
    error.message += " (writing " + common::quoteBytes(value, 80) + ")";
    return error;
  }
  return Nothing{};
}

// The fake-tree stand-in for what the kernel does on rmdir of a cgroup: drop its control files.
// Only regular files directly in `dir` go; subdirectories are cgroups, removed before it.
Try<Nothing> removeControlFiles(const std::string& dir) {
  DIR* stream = ::opendir(dir.c_str());
  if (stream == nullptr) {
    if (errno == ENOENT) return Nothing{};
    return Error::fromErrno("opendir", dir, errno);
  }
  const DirCloser closer(stream);
  while (const dirent* entry = ::readdir(stream)) {
    const std::string path = dir + "/" + entry->d_name;
    struct stat status;
    if (::lstat(path.c_str(), &status) != 0) continue;
    if (S_ISREG(status.st_mode) && ::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return Error::fromErrno("unlink", path, errno);
    }
  }
  return Nothing{};
}

}  // namespace

Try<Hierarchy> openHierarchy(std::string_view mountPoint, std::string_view cgroupsRoot) {
  Try<CgroupPaths> paths = CgroupPaths::create(mountPoint, cgroupsRoot);
  if (paths.isError()) return paths.error();
  struct statfs info;
  if (::statfs(paths.get().mountPoint().c_str(), &info) != 0) {
    return Error::fromErrno("statfs", paths.get().mountPoint(), errno);
  }
  const bool kernel = static_cast<unsigned long>(info.f_type) == CGROUP_SUPER_MAGIC ||
                      static_cast<unsigned long>(info.f_type) == CGROUP2_SUPER_MAGIC;
  return Hierarchy{std::move(paths).get(), kernel};
}

Try<std::string> readControl(const std::string& dir, std::string_view file) {
  return readFile(dir + "/" + std::string(file));
}

bool isAgentLevel(const Hierarchy& hierarchy, std::string_view dir) {
  const std::string& mount = hierarchy.paths.mountPoint();
  const std::string& root = hierarchy.paths.cgroupsRoot();
  if (!dir.starts_with(mount) || dir.size() <= mount.size() + 1 || dir[mount.size()] != '/') {
    return false;
  }
  const std::string_view below = dir.substr(mount.size() + 1);
  return root.starts_with(below) && (below.size() == root.size() || root[below.size()] == '/');
}

std::vector<std::string> agentLevels(const Hierarchy& hierarchy) {
  std::vector<std::string> levels;
  std::string dir = hierarchy.paths.mountPoint();
  // One level per component of the root; CgroupPaths has already refused empty, "." and ".."
  // components.
  const std::string& root = hierarchy.paths.cgroupsRoot();
  std::size_t start = 0;
  while (start <= root.size()) {
    std::size_t end = root.find('/', start);
    if (end == std::string::npos) end = root.size();
    dir += "/" + root.substr(start, end - start);
    levels.push_back(dir);
    start = end + 1;
  }
  return levels;
}

Try<Nothing> writeControl(const Hierarchy& hierarchy, const std::string& dir,
                          std::string_view file, std::string_view value) {
  if (!isAgentLevel(hierarchy, dir)) {
    Try<std::string> checked = hierarchy.paths.checkContainer(dir);
    if (checked.isError()) return checked.error();
  }
  return writeValue(dir + "/" + std::string(file), value);
}

Try<bool> exists(const std::string& path) {
  struct stat status;
  if (::stat(path.c_str(), &status) == 0) return true;
  if (errno == ENOENT) return false;
  return Error::fromErrno("stat", path, errno);
}

Try<std::uint64_t> parseUnsigned(std::string_view text, const std::string& path) {
  std::uint64_t value = 0;
  if (!common::parseDecimal(trimNewline(text), value)) {
    return malformed(path, "expected an unsigned decimal", text);
  }
  return value;
}

Try<std::optional<std::uint64_t>> parseLimit(std::string_view text, const std::string& path) {
  if (trimNewline(text) == "max") return std::optional<std::uint64_t>();
  Try<std::uint64_t> value = parseUnsigned(text, path);
  if (value.isError()) return value.error();
  return std::optional<std::uint64_t>(value.get());
}

Try<Keyed> parseKeyed(std::string_view text, const std::string& path) {
  Keyed keyed;
  for (const common::Line& numbered : common::Lines(text)) {
    const std::string_view line = numbered.text;
    if (line.empty()) continue;
    const std::size_t space = line.find(' ');
    std::uint64_t value = 0;
    if (space == std::string_view::npos || space == 0 ||
        !common::parseDecimal(line.substr(space + 1), value)) {
      return malformed(path, "expected lines of \"<key> <unsigned decimal>\"", line);
    }
    keyed.insert_or_assign(std::string(line.substr(0, space)), value);
  }
  return keyed;
}

std::uint64_t keyedOrZero(const Keyed& keyed, std::string_view key) {
  const auto found = keyed.find(key);
  return found == keyed.end() ? 0 : found->second;
}

namespace {

// Reads `<dir>/<file>` and parses it with `parse(text, path)`.
template <typename Parse>
auto readParsed(const std::string& dir, std::string_view file, Parse parse)
    -> decltype(parse(std::string_view(), std::string())) {
  const std::string path = dir + "/" + std::string(file);
  Try<std::string> text = readFile(path);
  if (text.isError()) return text.error();
  return parse(text.get(), path);
}

}  // namespace

Try<std::uint64_t> readUnsigned(const std::string& dir, std::string_view file) {
  return readParsed(dir, file, parseUnsigned);
}

Try<std::optional<std::uint64_t>> readLimit(const std::string& dir, std::string_view file) {
  return readParsed(dir, file, parseLimit);
}

Try<Keyed> readKeyed(const std::string& dir, std::string_view file) {
  return readParsed(dir, file, parseKeyed);
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\n' || text[at] == '\t')) ++at;
    std::size_t end = at;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n' && text[end] != '\t') ++end;
    if (end > at) out.emplace_back(text.substr(at, end - at));
    at = end;
  }
  return out;
}

Try<std::vector<pid_t>> parsePids(std::string_view text, const std::string& path) {
  std::vector<pid_t> pids;
  for (const std::string& word : words(text)) {
    std::uint64_t value = 0;
    // pid_max is at most 2^22 (PID_MAX_LIMIT); anything that does not fit a pid_t is garbage.
    if (!common::parseDecimal(word, value) || value > 0x7fffffff) {
      return malformed(path, "expected one pid per line", word);
    }
    pids.push_back(static_cast<pid_t>(value));
  }
  return pids;
}

Try<std::vector<std::string>> makeAgentRoot(const Hierarchy& hierarchy) {
  std::vector<std::string> created;
  for (const std::string& dir : agentLevels(hierarchy)) {
    if (::mkdir(dir.c_str(), 0755) == 0) {
      created.push_back(dir);
    } else if (errno != EEXIST) {
      return Error::fromErrno("mkdir", dir, errno);
    }
  }
  return created;
}

Try<std::vector<std::string>> childDirectories(const std::string& dir) {
  std::vector<std::string> names;
  DIR* stream = ::opendir(dir.c_str());
  if (stream == nullptr) {
    if (errno == ENOENT) return names;
    return Error::fromErrno("opendir", dir, errno);
  }
  const DirCloser closer(stream);
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(stream);
    if (entry == nullptr) {
      if (errno != 0) return Error::fromErrno("readdir", dir, errno);
      break;
    }
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    bool directory = entry->d_type == DT_DIR;
    if (entry->d_type == DT_UNKNOWN) {
      struct stat status;
      directory = ::lstat((dir + "/" + entry->d_name).c_str(), &status) == 0 &&
                  S_ISDIR(status.st_mode);
    }
    if (directory) names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

Try<std::vector<std::string>> subtree(const Hierarchy& hierarchy, const std::string& dir) {
  Try<std::string> top = hierarchy.paths.checkContainer(dir);
  if (top.isError()) return top.error();
  std::vector<std::string> out;
  Try<bool> present = exists(dir);
  if (present.isError()) return present.error();
  if (!present.get()) return out;

  // Depth-first, parents before children; an explicit stack, since the depth comes from disk.
  std::vector<std::string> stack{dir};
  while (!stack.empty()) {
    std::string at = std::move(stack.back());
    stack.pop_back();
    Try<std::vector<std::string>> children = childDirectories(at);
    if (children.isError()) return children.error();
    for (auto name = children.get().rbegin(); name != children.get().rend(); ++name) {
      Try<std::string> child = hierarchy.paths.checkContainer(at + "/" + *name);
      if (child.isError()) return child.error();
      stack.push_back(std::move(child).get());
    }
    out.push_back(std::move(at));
  }
  return out;
}

Try<std::vector<pid_t>> processes(const std::vector<Tree>& trees, bool withThreads,
                                  bool missingOk) {
  std::set<pid_t> all;
  for (const Tree& tree : trees) {
    Try<std::vector<std::string>> cgroups = subtree(*tree.hierarchy, tree.dir);
    if (cgroups.isError()) return cgroups.error();
    if (cgroups.get().empty() && !missingOk) {
      return Error::fromErrno("open", tree.dir + "/cgroup.procs", ENOENT);
    }
    // `tasks` (v1 only) lists threads, which may sit in another cgroup than their process.
    const std::vector<std::string_view> files =
        withThreads ? std::vector<std::string_view>{"cgroup.procs", "tasks"}
                    : std::vector<std::string_view>{"cgroup.procs"};
    for (const std::string& cgroup : cgroups.get()) {
      for (std::string_view file : files) {
        Try<std::string> text = readControl(cgroup, file);
        // A cgroup removed since the walk listed it holds no process.
        if (text.isError() && text.error().errnum == ENOENT) continue;
        if (text.isError()) return text.error();
        Try<std::vector<pid_t>> pids = parsePids(text.get(), cgroup + "/" + std::string(file));
        if (pids.isError()) return pids.error();
        all.insert(pids.get().begin(), pids.get().end());
      }
    }
  }
  return std::vector<pid_t>(all.begin(), all.end());
}

void pause(unsigned attempt, std::chrono::milliseconds max) {
  const std::chrono::milliseconds wait =
      attempt >= 16 ? max : std::min(max, std::chrono::milliseconds(1LL << attempt));
  std::this_thread::sleep_for(wait);
}

namespace {

std::string pidList(const std::vector<pid_t>& pids) {
  std::string out;
  for (std::size_t i = 0; i < pids.size() && i < 20; ++i) {
    out += (i == 0 ? "" : ", ") + std::to_string(pids[i]);
  }
  if (pids.size() > 20) out += ", ...";
  return out;
}

// SIGKILL to every listed process. Never to pid 0 or below: the kernel lists 0 for a process
// outside our pid namespace, and kill(0) would hit our own process group, kill(-1) every process.
Try<Nothing> signalAll(const std::vector<pid_t>& pids, std::string_view containerId) {
  for (pid_t pid : pids) {
    if (pid <= 0) continue;
    if (::kill(pid, SIGKILL) != 0 && errno != ESRCH) {
      Error error;
      error.errnum = errno;
      error.syscall = "kill";
      error.message = "kill(" + std::to_string(pid) + ", SIGKILL) for container " +
                      common::quoteBytes(containerId) + ": " +
                      std::generic_category().message(error.errnum);
      return error;
    }
  }
  return Nothing{};
}

}  // namespace

Try<Nothing> killTrees(const std::vector<Tree>& trees, const KillMethod& method,
                       const ManagerOptions& options, std::string_view containerId) {
  // Signals only go to pids a kernel listed (see manager.h on fake trees).
  const bool signalable = std::all_of(trees.begin(), trees.end(),
                                      [](const Tree& tree) { return tree.hierarchy->kernel; });
  for (unsigned round = 0; round < options.killRounds; ++round) {
    Try<std::vector<pid_t>> pids = processes(trees, method.withThreads, true);
    if (pids.isError()) return pids.error();
    if (pids.get().empty()) return Nothing{};
    if (std::find(pids.get().begin(), pids.get().end(), ::getpid()) != pids.get().end()) {
      return Error::plain("kill: the calling process (pid " + std::to_string(::getpid()) +
                          ") is in a cgroup of container " + common::quoteBytes(containerId) +
                          "; refusing to kill it");
    }

    if (method.killAll) {
      Try<Nothing> killed = method.killAll();
      if (killed.isError()) return killed.error();
    } else {
      const bool freezing = static_cast<bool>(method.freeze);
      if (freezing) {
        Try<Nothing> frozen = method.freeze();
        if (frozen.isError()) {
          (void)method.thaw();
          return frozen.error();
        }
        // Read again: what forked between the first read and the freeze is listed now, and
        // nothing can fork any more until the thaw.
        pids = processes(trees, method.withThreads, true);
      }
      Try<Nothing> signalled = Nothing{};
      if (pids.isError()) {
        signalled = pids.error();
      } else if (signalable) {
        signalled = signalAll(pids.get(), containerId);
      }
      // Thaw whatever happened: a frozen SIGKILLed task only dies once it runs again, and a
      // cgroup left frozen would hold its processes forever.
      if (freezing) {
        Try<Nothing> thawed = method.thaw();
        if (!signalled.isError() && thawed.isError()) signalled = thawed.error();
      }
      if (signalled.isError()) return signalled.error();
    }
    pause(round, options.maxPause);
  }

  Try<std::vector<pid_t>> left = processes(trees, method.withThreads, true);
  if (left.isError()) return left.error();
  if (left.get().empty()) return Nothing{};
  return Error::plain("kill: container " + common::quoteBytes(containerId) + " still has " +
                          std::to_string(left.get().size()) + " process(es) after " +
                          std::to_string(options.killRounds) + " rounds: " + pidList(left.get()),
                      trees.empty() ? std::string() : trees.front().dir);
}

Try<Nothing> writeUntilSettled(const Hierarchy& hierarchy, const std::string& dir,
                               std::string_view file, std::string_view value,
                               const SettledCheck& settled, const ManagerOptions& options) {
  for (unsigned attempt = 0; attempt < options.freezeAttempts; ++attempt) {
    Try<Nothing> written = writeControl(hierarchy, dir, file, value);
    if (written.isError()) return written.error();
    Try<bool> done = settled();
    if (done.isError()) return done.error();
    if (done.get()) return Nothing{};
    pause(attempt, options.maxPause);
  }
  return Nothing{};
}

Try<Nothing> removeTree(const Hierarchy& hierarchy, const std::string& dir,
                        const ManagerOptions& options) {
  Try<std::vector<std::string>> cgroups = subtree(hierarchy, dir);
  if (cgroups.isError()) return cgroups.error();
  // Children first: subtree() lists parents before children.
  for (auto cgroup = cgroups.get().rbegin(); cgroup != cgroups.get().rend(); ++cgroup) {
    if (!hierarchy.kernel) {
      Try<Nothing> emptied = removeControlFiles(*cgroup);
      if (emptied.isError()) return emptied.error();
    }
    for (unsigned attempt = 0;; ++attempt) {
      if (::rmdir(cgroup->c_str()) == 0 || errno == ENOENT) break;
      // EBUSY: tasks that were killed are still being torn down by the kernel.
      if (errno != EBUSY || attempt + 1 >= options.removeAttempts) {
        Error error = Error::fromErrno("rmdir", *cgroup, errno);
        if (errno == EBUSY) error.message += " (after " + std::to_string(attempt + 1) + " attempts)";
        return error;
      }
      pause(attempt, options.maxPause);
    }
  }
  return Nothing{};
}

Try<Nothing> makeContainerDirs(const std::vector<const Hierarchy*>& hierarchies,
                               const std::vector<std::string>& dirs) {
  std::vector<std::string> made;
  for (std::size_t i = 0; i < dirs.size(); ++i) {
    Try<std::string> checked = hierarchies[i]->paths.checkContainer(dirs[i]);
    Error failure;
    if (checked.isError()) {
      failure = checked.error();
    } else if (::mkdir(dirs[i].c_str(), 0755) == 0) {
      made.push_back(dirs[i]);
      continue;
    } else {
      failure = Error::fromErrno("mkdir", dirs[i], errno);
      if (failure.errnum == EEXIST) {
        failure.message += " (a cgroup left by an earlier container with this id; destroy it first)";
      } else if (failure.errnum == ENOENT) {
        failure.message += " (the agent's cgroups root is missing; call prepare() first)";
      }
    }
    // Undo this call's directories, newest first. They are empty: nothing has joined them yet.
    for (auto dir = made.rbegin(); dir != made.rend(); ++dir) ::rmdir(dir->c_str());
    return failure;
  }
  return Nothing{};
}

Try<std::vector<std::string>> containerIds(const std::vector<const Hierarchy*>& hierarchies) {
  std::set<std::string> ids;
  for (const Hierarchy* hierarchy : hierarchies) {
    Try<std::vector<std::string>> names = childDirectories(hierarchy->paths.agentRoot());
    if (names.isError()) return names.error();
    for (std::string& name : names.get()) {
      if (!validateContainerId(name)) ids.insert(std::move(name));
    }
  }
  return std::vector<std::string>(ids.begin(), ids.end());
}

}  // namespace mesos::cgroups::backend
