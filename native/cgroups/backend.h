// What the cgroup v1 and v2 backends of CgroupManager share: control files, the walk over a
// container's cgroup tree, its removal, and the kill loop. Internal to native/cgroups; the public
// surface is manager.h.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cgroups/manager.h"
#include "cgroups/path.h"

namespace mesos::cgroups::backend {

// One hierarchy a manager uses.
struct Hierarchy {
  CgroupPaths paths;
  // True when the mount point is a cgroup (v1) or cgroup2 filesystem; false for a fake tree in a
  // temporary directory. Only a kernel hierarchy's pids are ever signalled (see manager.h).
  bool kernel = false;
};

// The hierarchy mounted at `mountPoint`, for the agent's `cgroupsRoot`. statfs decides `kernel`.
Try<Hierarchy> openHierarchy(std::string_view mountPoint, std::string_view cgroupsRoot);

// `<dir>/<file>` read whole.
Try<std::string> readControl(const std::string& dir, std::string_view file);

// Whether `dir` is the agent's root `<mount>/<root>` or one of its parents below the mount point
// (`<mount>/a` for the root "a/b"): the levels prepare() creates and configures.
bool isAgentLevel(const Hierarchy& hierarchy, std::string_view dir);

// Those levels, outermost first: `<mount>/a`, `<mount>/a/b` for the root "a/b".
std::vector<std::string> agentLevels(const Hierarchy& hierarchy);

// Writes `value` to `<dir>/<file>` in one write(2), as the kernel wants control values. `dir`
// must be an agent level or pass the guard (checkContainer), so that no limit, freeze or kill
// reaches the hierarchy's root or anything outside the agent's root. The file is not created: a
// missing file means the controller is not there, and ENOENT says so. On failure the message
// also quotes the value.
Try<Nothing> writeControl(const Hierarchy& hierarchy, const std::string& dir, std::string_view file,
                          std::string_view value);

// Whether `path` exists (stat); errors other than ENOENT are errors.
Try<bool> exists(const std::string& path);

using Keyed = std::map<std::string, std::uint64_t, std::less<>>;

// One unsigned decimal, optionally followed by a newline (most single-value control files).
// `path` names the file in the error.
Try<std::uint64_t> parseUnsigned(std::string_view text, const std::string& path);

// Like parseUnsigned, but "max" (v2's unlimited) is nullopt.
Try<std::optional<std::uint64_t>> parseLimit(std::string_view text, const std::string& path);

// A flat keyed file: lines of `<key> <unsigned decimal>` (memory.stat, cpu.stat,
// cpuacct.stat, memory.events, memory.oom_control, cgroup.events).
Try<Keyed> parseKeyed(std::string_view text, const std::string& path);

// The value of `key` in a keyed file, 0 when the file has no such line.
std::uint64_t keyedOrZero(const Keyed& keyed, std::string_view key);

// readControl, then the matching parse; parse errors name `<dir>/<file>`.
Try<std::uint64_t> readUnsigned(const std::string& dir, std::string_view file);
Try<std::optional<std::uint64_t>> readLimit(const std::string& dir, std::string_view file);
Try<Keyed> readKeyed(const std::string& dir, std::string_view file);

// The whitespace-separated words of a list file (cgroup.controllers, cgroup.subtree_control).
std::vector<std::string> words(std::string_view text);

// A pid file (cgroup.procs, tasks): one decimal per line. 0 is kept: the kernel writes it for a
// process that is not visible in the reader's pid namespace, which still makes a cgroup busy.
Try<std::vector<pid_t>> parsePids(std::string_view text, const std::string& path);

// Creates `<mount>/<root>` and any missing parent below the mount point; returns the
// directories this call created, outermost first. Existing directories are fine.
Try<std::vector<std::string>> makeAgentRoot(const Hierarchy& hierarchy);

// `dir` and every cgroup below it, parents before children, each passed through the guard; a
// subdirectory whose name the guard refuses is an error (we do not touch what we cannot vouch
// for). Empty when `dir` does not exist.
Try<std::vector<std::string>> subtree(const Hierarchy& hierarchy, const std::string& dir);

// The names of the subdirectories of `dir`, ascending; empty when `dir` does not exist.
Try<std::vector<std::string>> childDirectories(const std::string& dir);

// The processes of one container cgroup tree in one hierarchy, for the kill loop and pids().
struct Tree {
  const Hierarchy* hierarchy = nullptr;
  // The container's cgroup (already passed through the guard).
  std::string dir;
};

// The union of cgroup.procs (and of `tasks` when `withThreads`, v1 only) over every cgroup of
// every tree, ascending, each once. Trees that do not exist are skipped when `missingOk`, an
// error otherwise.
Try<std::vector<pid_t>> processes(const std::vector<Tree>& trees, bool withThreads, bool missingOk);

// How one backend stops a container's processes; the loop around it is kill().
struct KillMethod {
  // Freeze and thaw the container's tree around the SIGKILLs (v1 freezer, v2 cgroup.freeze).
  // Both empty when there is no freezer. thaw runs whenever freeze was called, error or not.
  std::function<Try<Nothing>()> freeze;
  std::function<Try<Nothing>()> thaw;
  // Kills the whole tree in one step (v2 cgroup.kill). When set, freeze/thaw are not used and
  // the loop only waits for the processes to go, writing it again each round.
  std::function<Try<Nothing>()> killAll;
  // Whether the kill loop reads `tasks` as well as cgroup.procs (v1).
  bool withThreads = false;
};

// The kill loop shared by both backends: until the trees hold no process (bounded by
// options.killRounds, with pauses growing from 1 ms to options.maxPause), one round of killAll,
// or freeze, SIGKILL every listed pid, thaw. `containerId` names the container in the error.
Try<Nothing> killTrees(const std::vector<Tree>& trees, const KillMethod& method,
                       const ManagerOptions& options, std::string_view containerId);

// Writes `value` to `file` of `dir` until reading `stateFile` gives `settled` for key/word
// `expected`, re-writing between bounded attempts. Used for freezing: v1 writes FROZEN and reads
// freezer.state, v2 writes 1 to cgroup.freeze and reads `frozen` from cgroup.events. A freezer
// that does not settle is not an error: SIGKILL reaches a task that is still freezing once it
// thaws, and the next round of the loop catches whatever survived.
using SettledCheck = std::function<Try<bool>()>;
Try<Nothing> writeUntilSettled(const Hierarchy& hierarchy, const std::string& dir,
                               std::string_view file, std::string_view value,
                               const SettledCheck& settled, const ManagerOptions& options);

// Removes the cgroup tree at `dir`, children first, retrying EBUSY (options.removeAttempts).
// A tree that does not exist, or a cgroup that vanishes meanwhile, is fine.
Try<Nothing> removeTree(const Hierarchy& hierarchy, const std::string& dir,
                        const ManagerOptions& options);

// Creates one container cgroup in every hierarchy; on failure removes the ones made by this call.
Try<Nothing> makeContainerDirs(const std::vector<const Hierarchy*>& hierarchies,
                               const std::vector<std::string>& dirs);

// The union of the valid container ids under the agent roots of `hierarchies`, ascending.
Try<std::vector<std::string>> containerIds(const std::vector<const Hierarchy*>& hierarchies);

// The pause before attempt `attempt` (0-based) of a waiting loop: 1 ms, 2, 4, ... up to max.
void pause(unsigned attempt, std::chrono::milliseconds max);

// The backends' factories, called by createCgroupManager.
Try<std::unique_ptr<CgroupManager>> createV1(const Layout& layout, std::string_view cgroupsRoot,
                                             const std::vector<Controller>& controllers,
                                             const ManagerOptions& options);
Try<std::unique_ptr<CgroupManager>> createV2(const Layout& layout, std::string_view cgroupsRoot,
                                             const std::vector<Controller>& controllers,
                                             const ManagerOptions& options);

}  // namespace mesos::cgroups::backend
