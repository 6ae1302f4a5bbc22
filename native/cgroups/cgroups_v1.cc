// The cgroup v1 backend of CgroupManager: one hierarchy per controller (or per group of
// co-mounted controllers), as in Mesos's cgroups isolators and Linux launcher.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>

#include "cgroups/backend.h"
#include "common/text.h"

namespace mesos::cgroups::backend {

namespace {

// The v1 subsystems a manager may use, in the order of paths(). cpuacct comes with the cpu
// controller (Mesos's cgroups/cpu isolator uses both: cpu for limits, cpuacct for usage);
// freezer is used for kill() whenever it is mounted.
enum Subsystem : std::size_t { kCpu, kCpuacct, kMemory, kPids, kFreezer, kSubsystemCount };
constexpr std::string_view kSubsystemNames[kSubsystemCount] = {"cpu", "cpuacct", "memory", "pids",
                                                               "freezer"};

// memory.limit_in_bytes of an unlimited cgroup reads as the largest page-aligned value the
// kernel keeps (PAGE_COUNTER_MAX pages): 9223372036854771712 with 4 KiB pages.
bool isUnlimitedV1(std::uint64_t bytes) {
  const long page = ::sysconf(_SC_PAGESIZE);
  const std::uint64_t max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return bytes > max - static_cast<std::uint64_t>(page > 0 ? page : 4096);
}

class V1Manager final : public CgroupManager {
 public:
  V1Manager(std::vector<Hierarchy> hierarchies,
            std::array<std::optional<std::size_t>, kSubsystemCount> subsystems,
            const ManagerOptions& options)
      : hierarchies_(std::move(hierarchies)), subsystems_(subsystems), options_(options) {}

  Mode mode() const override { return Mode::V1; }

  Try<Nothing> prepare() override {
    for (const Hierarchy& hierarchy : hierarchies_) {
      Try<std::vector<std::string>> made = makeAgentRoot(hierarchy);
      if (made.isError()) return made.error();
    }
    return Nothing{};
  }

  Try<std::vector<std::string>> paths(std::string_view containerId) const override {
    std::vector<std::string> dirs;
    for (const Hierarchy& hierarchy : hierarchies_) {
      Try<std::string> dir = hierarchy.paths.container(containerId);
      if (dir.isError()) return dir.error();
      dirs.push_back(std::move(dir).get());
    }
    return dirs;
  }

  Try<std::vector<std::string>> create(std::string_view containerId) override {
    Try<std::vector<std::string>> dirs = paths(containerId);
    if (dirs.isError()) return dirs.error();
    Try<Nothing> made = makeContainerDirs(all(), dirs.get());
    if (made.isError()) return made.error();
    return dirs;
  }

  Try<Nothing> update(std::string_view containerId, const Limits& limits) override {
    if (std::optional<Error> invalid = validateLimits(limits)) return *invalid;
    // Each entry is (subsystem, file, value); written in order, the first failure stops.
    struct Write {
      Subsystem subsystem;
      std::string_view file;
      std::string value;
    };
    std::vector<Write> writes;
    if (subsystems_[kCpu]) {
      writes.push_back({kCpu, "cpu.shares", std::to_string(cpuShares(limits.cpus))});
      if (limits.cfsQuota) {
        writes.push_back({kCpu, "cpu.cfs_period_us", std::to_string(kCfsPeriodUs)});
        writes.push_back({kCpu, "cpu.cfs_quota_us", std::to_string(cfsQuotaUs(limits.cpus))});
      } else {
        writes.push_back({kCpu, "cpu.cfs_quota_us", "-1"});
      }
    }
    if (subsystems_[kMemory]) {
      // -1 lifts a v1 memory limit. memory.memsw.limit_in_bytes is left alone: it is unlimited
      // unless someone else set it, and swap accounting is often disabled.
      const std::string bytes =
          limits.memoryBytes ? std::to_string(memoryLimitBytes(*limits.memoryBytes)) : "-1";
      writes.push_back({kMemory, "memory.limit_in_bytes", bytes});
      writes.push_back({kMemory, "memory.soft_limit_in_bytes", bytes});
    }
    if (subsystems_[kPids]) {
      writes.push_back(
          {kPids, "pids.max", limits.pidsMax ? std::to_string(*limits.pidsMax) : "max"});
    }
    for (const Write& write : writes) {
      Try<std::string> dir = dirOf(write.subsystem, containerId);
      if (dir.isError()) return dir.error();
      Try<Nothing> written = writeControl(hierarchy(write.subsystem), dir.get(), write.file,
                                          write.value);
      if (written.isError()) return written.error();
    }
    return Nothing{};
  }

  Try<Statistics> statistics(std::string_view containerId) const override {
    Statistics stats;
    if (subsystems_[kCpuacct]) {
      Try<Keyed> cpu = readOf(kCpuacct, containerId, "cpuacct.stat", readKeyed);
      if (cpu.isError()) return cpu.error();
      // cpuacct.stat counts USER_HZ ticks, which is what sysconf(_SC_CLK_TCK) reports.
      const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
      stats.cpusUserTimeSecs = static_cast<double>(keyedOrZero(cpu.get(), "user")) / ticks;
      stats.cpusSystemTimeSecs = static_cast<double>(keyedOrZero(cpu.get(), "system")) / ticks;
    }
    if (subsystems_[kMemory]) {
      Try<Keyed> memory = readOf(kMemory, containerId, "memory.stat", readKeyed);
      if (memory.isError()) return memory.error();
      // total_rss includes the container's descendant cgroups (nested containers).
      const auto total = memory.get().find("total_rss");
      stats.memRssBytes =
          total != memory.get().end() ? total->second : keyedOrZero(memory.get(), "rss");

      Try<std::uint64_t> usage = readOf(kMemory, containerId, "memory.usage_in_bytes", readUnsigned);
      if (usage.isError()) return usage.error();
      stats.memUsageBytes = usage.get();

      Try<std::uint64_t> limit = readOf(kMemory, containerId, "memory.limit_in_bytes", readUnsigned);
      if (limit.isError()) return limit.error();
      if (!isUnlimitedV1(limit.get())) stats.memLimitBytes = limit.get();

      Try<Keyed> oom = readOf(kMemory, containerId, "memory.oom_control", readKeyed);
      if (oom.isError()) return oom.error();
      stats.oomKills = keyedOrZero(oom.get(), "oom_kill");
      stats.underOom = keyedOrZero(oom.get(), "under_oom") != 0;
    }
    if (subsystems_[kPids]) {
      Try<std::uint64_t> current = readOf(kPids, containerId, "pids.current", readUnsigned);
      if (current.isError()) return current.error();
      stats.pidsCurrent = current.get();
    }
    return stats;
  }

  Try<std::vector<pid_t>> pids(std::string_view containerId) const override {
    Try<std::vector<Tree>> trees = treesOf(containerId);
    if (trees.isError()) return trees.error();
    return processes(trees.get(), false, false);
  }

  Try<Nothing> kill(std::string_view containerId) override {
    Try<std::vector<Tree>> trees = treesOf(containerId);
    if (trees.isError()) return trees.error();
    KillMethod method;
    // Threads too: in v1 a thread can sit in a different cgroup than its process's leader.
    method.withThreads = true;
    if (subsystems_[kFreezer]) {
      Try<std::string> dir = dirOf(kFreezer, containerId);
      if (dir.isError()) return dir.error();
      Try<bool> present = exists(dir.get());
      if (present.isError()) return present.error();
      // A container whose freezer cgroup is missing (a create() cut short) is killed without it.
      if (present.get()) {
        const Hierarchy& freezer = hierarchy(kFreezer);
        const std::string path = dir.get();
        method.freeze = [this, &freezer, path]() {
          return writeUntilSettled(
              freezer, path, "freezer.state", "FROZEN",
              [&freezer, path]() -> Try<bool> {
                Try<std::string> state = readControl(path, "freezer.state");
                if (state.isError()) return state.error();
                return words(state.get()) == std::vector<std::string>{"FROZEN"};
              },
              options_);
        };
        method.thaw = [&freezer, path]() {
          return writeControl(freezer, path, "freezer.state", "THAWED");
        };
      }
    }
    return killTrees(trees.get(), method, options_, containerId);
  }

  Try<Nothing> destroy(std::string_view containerId) override {
    Try<Nothing> killed = kill(containerId);
    if (killed.isError()) return killed.error();
    Try<std::vector<std::string>> dirs = paths(containerId);
    if (dirs.isError()) return dirs.error();
    std::optional<Error> first;
    for (std::size_t i = 0; i < hierarchies_.size(); ++i) {
      Try<Nothing> removed = removeTree(hierarchies_[i], dirs.get()[i], options_);
      if (removed.isError() && !first) first = removed.error();
    }
    if (first) return *first;
    return Nothing{};
  }

  Try<std::vector<std::string>> containers() const override { return containerIds(all()); }

 private:
  std::vector<const Hierarchy*> all() const {
    std::vector<const Hierarchy*> out;
    for (const Hierarchy& hierarchy : hierarchies_) out.push_back(&hierarchy);
    return out;
  }

  // Precondition: subsystems_[subsystem] is set.
  const Hierarchy& hierarchy(Subsystem subsystem) const {
    return hierarchies_[*subsystems_[subsystem]];
  }

  Try<std::string> dirOf(Subsystem subsystem, std::string_view containerId) const {
    return hierarchy(subsystem).paths.container(containerId);
  }

  Try<std::vector<Tree>> treesOf(std::string_view containerId) const {
    Try<std::vector<std::string>> dirs = paths(containerId);
    if (dirs.isError()) return dirs.error();
    std::vector<Tree> trees;
    for (std::size_t i = 0; i < hierarchies_.size(); ++i) {
      trees.push_back({&hierarchies_[i], dirs.get()[i]});
    }
    return trees;
  }

  // `file` of the container's cgroup in the hierarchy of `subsystem`, read and parsed by
  // `reader` (readKeyed, readUnsigned).
  template <typename Reader>
  auto readOf(Subsystem subsystem, std::string_view containerId, std::string_view file,
              Reader reader) const -> decltype(reader(std::string(), file)) {
    Try<std::string> dir = dirOf(subsystem, containerId);
    if (dir.isError()) return dir.error();
    return reader(dir.get(), file);
  }

  // Invariant: hierarchies_ has one entry per distinct mount point of a used subsystem, in the
  // order of kSubsystemNames; subsystems_[s] indexes it, nullopt when s is not used.
  std::vector<Hierarchy> hierarchies_;
  std::array<std::optional<std::size_t>, kSubsystemCount> subsystems_;
  ManagerOptions options_;
};

std::string mountedList(const Layout& layout) {
  std::string out;
  for (const auto& [controller, mountPoint] : layout.v1) {
    out += (out.empty() ? "" : ", ") + controller;
  }
  return out.empty() ? "none" : out;
}

}  // namespace

Try<std::unique_ptr<CgroupManager>> createV1(const Layout& layout, std::string_view cgroupsRoot,
                                             const std::vector<Controller>& controllers,
                                             const ManagerOptions& options) {
  const auto uses = [&](Controller controller) {
    return std::find(controllers.begin(), controllers.end(), controller) != controllers.end();
  };
  // Which subsystems to use, and whether their absence is an error.
  struct Wanted {
    bool used;
    bool required;
  };
  const Wanted wanted[kSubsystemCount] = {
      {uses(Controller::Cpu), true},     {uses(Controller::Cpu), false},
      {uses(Controller::Memory), true},  {uses(Controller::Pids), true},
      {true, false},
  };

  std::vector<Hierarchy> hierarchies;
  std::vector<std::string> mountPoints;
  std::array<std::optional<std::size_t>, kSubsystemCount> subsystems;
  for (std::size_t s = 0; s < kSubsystemCount; ++s) {
    if (!wanted[s].used) continue;
    const auto mount = layout.v1.find(std::string(kSubsystemNames[s]));
    if (mount == layout.v1.end()) {
      if (!wanted[s].required) continue;
      return Error::plain("cgroup v1 controller " + common::quoteBytes(kSubsystemNames[s]) +
                          " is not mounted (mounted controllers: " + mountedList(layout) + ")");
    }
    // Co-mounted subsystems (cpu,cpuacct) share one hierarchy and so one directory.
    const auto known = std::find(mountPoints.begin(), mountPoints.end(), mount->second);
    if (known != mountPoints.end()) {
      subsystems[s] = static_cast<std::size_t>(known - mountPoints.begin());
      continue;
    }
    Try<Hierarchy> hierarchy = openHierarchy(mount->second, cgroupsRoot);
    if (hierarchy.isError()) return hierarchy.error();
    subsystems[s] = hierarchies.size();
    hierarchies.push_back(std::move(hierarchy).get());
    mountPoints.push_back(mount->second);
  }
  if (hierarchies.empty()) {
    // Only possible when no controller was asked for and the freezer is not mounted.
    return Error::plain("no cgroup v1 hierarchy to use: no controller was requested and the "
                        "freezer is not mounted (mounted controllers: " + mountedList(layout) + ")");
  }
  return std::unique_ptr<CgroupManager>(
      std::make_unique<V1Manager>(std::move(hierarchies), subsystems, options));
}

}  // namespace mesos::cgroups::backend
