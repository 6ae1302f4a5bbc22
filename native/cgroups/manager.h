// CgroupManager: one interface over the cgroup v1 and v2 backends, for the containerizer.
//
// A manager owns the cgroups below `<mount point>/<cgroups root>/` of the hierarchies it uses and
// nothing else: every path it touches comes from CgroupPaths (path.h), and every destructive
// operation (write a limit, freeze, kill, remove) passes its path through checkContainer first,
// so neither a hierarchy root nor the agent's root nor anything outside can be frozen, killed or
// removed, whatever container id a framework sends.
//
// Layout on disk, as in Mesos:
//   v1: `<mount of each used controller>/<root>/<containerId>`, one directory per used hierarchy
//       (co-mounted controllers such as cpu,cpuacct share one). The freezer hierarchy is always
//       used when it is mounted, because it is what makes kill() leave no process behind.
//   v2: `<cgroup2 mount>/<root>/<containerId>`. The container's processes live in that directory
//       itself. Mesos's unreleased v2 code puts them in a `leaf` child so that the container's
//       cgroup can later enable controllers for nested containers (the "no internal processes"
//       rule forbids a cgroup with processes from doing so); nested containers are not managed
//       here yet, so the simpler layout is the correct one for now. Switching to a leaf later only
//       changes create() and paths(); kill() and destroy() already handle any subtree.
//
// Which hierarchy exists is decided once, from a Layout (hierarchy.h): Hybrid hosts use the v1
// backend, since their controllers are v1 ones. The layout is injectable, so unit tests point the
// manager at directories in a temporary directory (a "fake tree") whose files stand in for the
// kernel's. On such a tree (any directory that is not a cgroup filesystem, told by statfs) the
// manager never sends signals to the pids it reads, because only the kernel can be trusted to say
// which processes belong to a container, and it deletes the stand-in control files before
// rmdir, which on a cgroup filesystem the kernel does itself.
//
// All operations are synchronous and return Try; errors quote the system call and the path
// (`open("/x"): No such file or directory`) or say which rule an argument breaks.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cgroups/hierarchy.h"
#include "common/try.h"

namespace mesos::cgroups {

// The value of an operation that succeeds without a result (Mesos's `Nothing`).
struct Nothing {};

// The controllers a container can be isolated with. Freezer is not listed: it is an
// implementation detail of kill() on v1, used whenever it is mounted.
enum class Controller { Cpu, Memory, Pids };

// "cpu", "memory", "pids": the spelling of cgroup files and of the JS API.
std::string_view controllerName(Controller controller);
// The inverse of controllerName; the error names the word and lists the accepted ones.
Try<Controller> parseController(std::string_view name);

// The limits of one container. Each backend applies only the part that belongs to a controller
// it uses, as each Mesos isolator reads only its own resources.
struct Limits {
  // The cpus resource: finite, 0 <= cpus <= kMaxCpus.
  double cpus = 0;
  // Whether to enforce a hard CFS bandwidth limit (Mesos's --cgroups_enable_cfs). Without it the
  // quota is lifted ("-1" on v1, "max" on v2), so turning CFS off in an update takes effect.
  bool cfsQuota = false;
  // The memory limit; nullopt lifts it (unlimited).
  std::optional<std::uint64_t> memoryBytes;
  // The maximum number of tasks (processes and threads); nullopt lifts it ("max").
  std::optional<std::uint64_t> pidsMax;
};

// Far beyond any machine, and small enough that every product below fits in 64 bits.
inline constexpr double kMaxCpus = 1'000'000;

// The arithmetic of update(), the same on every host. Mesos truncates products toward zero, and
// so do these, floating point included: 0.29 cpus is 0.29 * 100000 = 28999.999999999996 us of
// quota, written as 28999 (Mesos writes the same).
inline constexpr std::uint64_t kCpuSharesPerCpu = 1024;
inline constexpr std::uint64_t kMinCpuShares = 2;
inline constexpr std::uint64_t kCfsPeriodUs = 100'000;
inline constexpr std::uint64_t kMinCfsQuotaUs = 1'000;
inline constexpr std::uint64_t kCpuWeightPerCpu = 100;
inline constexpr std::uint64_t kMinCpuWeight = 1;
inline constexpr std::uint64_t kMaxCpuWeight = 10'000;
inline constexpr std::uint64_t kMinMemoryBytes = 32ull * 1024 * 1024;

// v1 cpu.shares = max(2, floor(1024 * cpus)): 0.5 cpus -> 512, 0.001 cpus -> 2.
std::uint64_t cpuShares(double cpus);
// cpu.cfs_quota_us (v1) and the quota of cpu.max (v2) = max(1000, floor(100000 * cpus)) for a
// period of 100000 us: 0.5 cpus -> 50000, 2 cpus -> 200000, 0.005 cpus -> 1000.
std::uint64_t cfsQuotaUs(double cpus);
// v2 cpu.weight = clamp(round(100 * cpus), 1, 10000): 0.5 cpus -> 50, 1 cpu -> 100 (the kernel's
// default weight, as 1024 shares is v1's), 0.001 cpus -> 1, 200 cpus -> 10000. Mesos's v2 code
// also uses 100 per cpu, which differs from the kernel's own v1-to-v2 conversion of shares.
std::uint64_t cpuWeight(double cpus);
// memory.limit_in_bytes / memory.max = max(32 MiB, bytes), as Mesos's minimum container memory.
std::uint64_t memoryLimitBytes(std::uint64_t bytes);

// Why `limits` cannot be applied, or nullopt.
std::optional<Error> validateLimits(const Limits& limits);

// What statistics() reads. Fields of a controller the manager does not use stay 0 (or nullopt).
struct Statistics {
  // v1 cpuacct.stat (USER_HZ ticks / sysconf(_SC_CLK_TCK)); v2 cpu.stat user_usec, system_usec.
  double cpusUserTimeSecs = 0;
  double cpusSystemTimeSecs = 0;
  // v1 memory.stat total_rss (rss when absent); v2 memory.stat anon.
  std::uint64_t memRssBytes = 0;
  // v1 memory.usage_in_bytes; v2 memory.current.
  std::uint64_t memUsageBytes = 0;
  // v1 memory.limit_in_bytes; v2 memory.max. nullopt when unlimited.
  std::optional<std::uint64_t> memLimitBytes;
  // pids.current, when the pids controller is used.
  std::optional<std::uint64_t> pidsCurrent;
  // The number of processes the OOM killer killed in the container: the `oom_kill` line of v1
  // memory.oom_control (kernels before 4.13 have none: 0, since memory.failcnt counts something
  // else, limit hits that reclaim resolved), or of v2 memory.events.
  std::uint64_t oomKills = 0;
  // v1 memory.oom_control `under_oom`: the container is at its limit and the OOM killer is
  // disabled or still choosing. v2 has no such state; always false there.
  bool underOom = false;
};

// Bounds of the waiting loops; the defaults suit production, tests shorten them.
struct ManagerOptions {
  // kill(): rounds of (freeze, SIGKILL, thaw) or (cgroup.kill) before giving up.
  unsigned killRounds = 50;
  // Attempts to see a freezer settle in FROZEN before sending the signals anyway.
  unsigned freezeAttempts = 20;
  // rmdir attempts while the kernel still reports EBUSY for a cgroup whose last tasks are exiting.
  unsigned removeAttempts = 50;
  // Pauses between attempts start at 1 ms and double up to this; with the defaults a kill that
  // never succeeds gives up after about 2.3 s.
  std::chrono::milliseconds maxPause{50};
};

class CgroupManager {
 public:
  virtual ~CgroupManager() = default;

  // Mode::V1 or Mode::V2: the backend, never Hybrid.
  virtual Mode mode() const = 0;

  // Creates the agent's root `<mount>/<root>` in every used hierarchy (missing parents too).
  // v2: every needed controller must be listed in cgroup.controllers at each level below the
  // mount point (else an error naming the controller and where to enable it), and is enabled in
  // cgroup.subtree_control of the agent's root and of the parents created by this call. The
  // hierarchy's own root and parents that existed before are never written to.
  virtual Try<Nothing> prepare() = 0;

  // The cgroup directories of `containerId`, without touching the disk: v1 one per used
  // hierarchy, in the order cpu, cpuacct, memory, pids, freezer (co-mounted ones once); v2 one.
  virtual Try<std::vector<std::string>> paths(std::string_view containerId) const = 0;

  // Creates the container's cgroups and returns paths(containerId): the directories whose
  // cgroup.procs the container's first process must join. Fails when one already exists (a
  // remnant of an earlier container with that id: destroy it first), removing the ones this call
  // made. Needs prepare().
  virtual Try<std::vector<std::string>> create(std::string_view containerId) = 0;

  // Writes the container's limits (see the arithmetic above).
  virtual Try<Nothing> update(std::string_view containerId, const Limits& limits) = 0;

  virtual Try<Statistics> statistics(std::string_view containerId) const = 0;

  // The processes in the container's cgroups and their descendants (cgroup.procs), ascending,
  // each once. An error when a cgroup of the container does not exist.
  virtual Try<std::vector<pid_t>> pids(std::string_view containerId) const = 0;

  // Kills every process in the container's cgroups and their descendants and waits until the
  // cgroups are empty (bounded by ManagerOptions; an error lists the processes left). v1 freezes
  // the cgroup around each round of SIGKILLs when the freezer is mounted, so no process can fork
  // between the read of cgroup.procs and the signals; v2 writes cgroup.kill, or freezes through
  // cgroup.freeze on kernels before 5.14. A container without cgroups has nothing to kill.
  // May sleep briefly (milliseconds) while the freezer settles and processes exit.
  virtual Try<Nothing> kill(std::string_view containerId) = 0;

  // kill(), then removes every cgroup of the container, children first, retrying EBUSY.
  // Idempotent: cgroups that do not exist are fine. Every hierarchy is attempted; the first
  // error is returned.
  virtual Try<Nothing> destroy(std::string_view containerId) = 0;

  // The ids of the containers that have a cgroup under the agent's root in any used hierarchy,
  // ascending (for recovery and the cleanup of orphans). Directories whose names are not valid
  // container ids are not containers of ours and are left out. Empty when the root is missing.
  virtual Try<std::vector<std::string>> containers() const = 0;
};

// A manager for `layout`, the agent's cgroups root `cgroupsRoot` (Mesos's --cgroups_root) and
// the controllers to isolate with (duplicates are ignored). Fails when a controller is not
// mounted (v1), when no cgroup2 hierarchy is mounted (v2), or when a mount point or the root is
// refused by CgroupPaths::create. Touches nothing but statfs on the mount points.
Try<std::unique_ptr<CgroupManager>> createCgroupManager(const Layout& layout,
                                                        std::string_view cgroupsRoot,
                                                        std::span<const Controller> controllers,
                                                        const ManagerOptions& options = {});

}  // namespace mesos::cgroups
