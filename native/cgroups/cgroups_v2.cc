// The cgroup v2 backend of CgroupManager: one unified hierarchy, controllers enabled from parent
// to child through cgroup.subtree_control, as in Mesos's (unreleased) cgroups2 isolator.
#include <algorithm>
#include <cstdint>
#include <optional>

#include "cgroups/backend.h"
#include "common/text.h"

namespace mesos::cgroups::backend {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

class V2Manager final : public CgroupManager {
 public:
  V2Manager(Hierarchy hierarchy, std::vector<Controller> controllers, const ManagerOptions& options)
      : hierarchy_(std::move(hierarchy)), controllers_(std::move(controllers)), options_(options) {}

  Mode mode() const override { return Mode::V2; }

  // Every level from the mount point's child down to the agent's root must list the needed
  // controllers in cgroup.controllers (what its parent enabled for it). The agent's root, and the
  // parents this call created, enable them in cgroup.subtree_control for the level below; levels
  // that existed before belong to someone else (systemd, the host) and are only read.
  Try<Nothing> prepare() override {
    Try<std::vector<std::string>> created = makeAgentRoot(hierarchy_);
    if (created.isError()) return created.error();

    std::string parent = hierarchy_.paths.mountPoint();
    for (const std::string& level : agentLevels(hierarchy_)) {
      Try<std::string> available = readControl(level, "cgroup.controllers");
      if (available.isError()) return available.error();
      const std::vector<std::string> listed = words(available.get());
      for (Controller controller : controllers_) {
        const std::string_view name = controllerName(controller);
        if (contains(listed, name)) continue;
        std::string shown;
        for (const std::string& word : listed) shown += (shown.empty() ? "" : " ") + word;
        return Error::plain(
            "cgroup v2 controller " + common::quoteBytes(name) + " is not available in " +
                common::quoteBytes(level) + " (its cgroup.controllers lists: " +
                (shown.empty() ? "none" : shown) + "); enable it in " +
                common::quoteBytes(parent + "/cgroup.subtree_control"),
            level + "/cgroup.controllers");
      }

      const bool ours = level == hierarchy_.paths.agentRoot() || contains(created.get(), level);
      if (ours) {
        Try<Nothing> enabled = enableForChildren(level);
        if (enabled.isError()) return enabled.error();
      }
      parent = level;
    }
    return Nothing{};
  }

  Try<std::vector<std::string>> paths(std::string_view containerId) const override {
    Try<std::string> dir = hierarchy_.paths.container(containerId);
    if (dir.isError()) return dir.error();
    return std::vector<std::string>{std::move(dir).get()};
  }

  Try<std::vector<std::string>> create(std::string_view containerId) override {
    Try<std::vector<std::string>> dirs = paths(containerId);
    if (dirs.isError()) return dirs.error();
    Try<Nothing> made = makeContainerDirs({&hierarchy_}, dirs.get());
    if (made.isError()) return made.error();
    return dirs;
  }

  Try<Nothing> update(std::string_view containerId, const Limits& limits) override {
    if (std::optional<Error> invalid = validateLimits(limits)) return *invalid;
    Try<std::string> dir = hierarchy_.paths.container(containerId);
    if (dir.isError()) return dir.error();

    std::vector<std::pair<std::string_view, std::string>> writes;
    if (uses(Controller::Cpu)) {
      writes.emplace_back("cpu.weight", std::to_string(cpuWeight(limits.cpus)));
      // cpu.max is "<quota> <period>", "max" for no quota.
      const std::string quota = limits.cfsQuota ? std::to_string(cfsQuotaUs(limits.cpus)) : "max";
      writes.emplace_back("cpu.max", quota + " " + std::to_string(kCfsPeriodUs));
    }
    if (uses(Controller::Memory)) {
      // memory.low protects what the container asked for from reclaim; memory.max caps it.
      const std::string bytes =
          limits.memoryBytes ? std::to_string(memoryLimitBytes(*limits.memoryBytes)) : "max";
      // Without a memory limit there is nothing to protect either: memory.low goes back to 0.
      writes.emplace_back("memory.max", bytes);
      writes.emplace_back("memory.low", limits.memoryBytes ? bytes : "0");
    }
    if (uses(Controller::Pids)) {
      writes.emplace_back("pids.max", limits.pidsMax ? std::to_string(*limits.pidsMax) : "max");
    }
    for (const auto& [file, value] : writes) {
      Try<Nothing> written = writeControl(hierarchy_, dir.get(), file, value);
      if (written.isError()) return written.error();
    }
    return Nothing{};
  }

  Try<Statistics> statistics(std::string_view containerId) const override {
    Try<std::string> dir = hierarchy_.paths.container(containerId);
    if (dir.isError()) return dir.error();
    Statistics stats;
    // cpu.stat is a core file, present without the cpu controller (Linux 4.15 and later).
    Try<Keyed> cpu = readKeyed(dir.get(), "cpu.stat");
    if (cpu.isError()) return cpu.error();
    stats.cpusUserTimeSecs = static_cast<double>(keyedOrZero(cpu.get(), "user_usec")) / 1e6;
    stats.cpusSystemTimeSecs = static_cast<double>(keyedOrZero(cpu.get(), "system_usec")) / 1e6;

    if (uses(Controller::Memory)) {
      Try<Keyed> memory = readKeyed(dir.get(), "memory.stat");
      if (memory.isError()) return memory.error();
      stats.memRssBytes = keyedOrZero(memory.get(), "anon");
      Try<std::uint64_t> usage = readUnsigned(dir.get(), "memory.current");
      if (usage.isError()) return usage.error();
      stats.memUsageBytes = usage.get();
      Try<std::optional<std::uint64_t>> limit = readLimit(dir.get(), "memory.max");
      if (limit.isError()) return limit.error();
      stats.memLimitBytes = limit.get();
      Try<Keyed> events = readKeyed(dir.get(), "memory.events");
      if (events.isError()) return events.error();
      stats.oomKills = keyedOrZero(events.get(), "oom_kill");
    }
    if (uses(Controller::Pids)) {
      Try<std::uint64_t> current = readUnsigned(dir.get(), "pids.current");
      if (current.isError()) return current.error();
      stats.pidsCurrent = current.get();
    }
    return stats;
  }

  Try<std::vector<pid_t>> pids(std::string_view containerId) const override {
    Try<std::string> dir = hierarchy_.paths.container(containerId);
    if (dir.isError()) return dir.error();
    return processes({{&hierarchy_, dir.get()}}, false, false);
  }

  Try<Nothing> kill(std::string_view containerId) override {
    Try<std::string> dir = hierarchy_.paths.container(containerId);
    if (dir.isError()) return dir.error();
    Try<bool> killFile = exists(dir.get() + "/cgroup.kill");
    if (killFile.isError()) return killFile.error();

    KillMethod method;
    const std::string path = dir.get();
    if (killFile.get()) {
      // cgroup.kill (Linux 5.14) SIGKILLs the whole subtree at once, racing no fork.
      method.killAll = [this, path]() {
        return writeControl(hierarchy_, path, "cgroup.kill", "1");
      };
    } else {
      Try<bool> freezeFile = exists(path + "/cgroup.freeze");
      if (freezeFile.isError()) return freezeFile.error();
      // Without cgroup.freeze (before 5.2) the loop signals unfrozen processes: a fork between
      // the read and the signals survives one round, and the next round catches it.
      if (freezeFile.get()) {
        method.freeze = [this, path]() {
          return writeUntilSettled(
              hierarchy_, path, "cgroup.freeze", "1",
              [path]() -> Try<bool> {
                Try<Keyed> events = readKeyed(path, "cgroup.events");
                if (events.isError()) return events.error();
                return keyedOrZero(events.get(), "frozen") == 1;
              },
              options_);
        };
        method.thaw = [this, path]() {
          return writeControl(hierarchy_, path, "cgroup.freeze", "0");
        };
      }
    }
    return killTrees({{&hierarchy_, path}}, method, options_, containerId);
  }

  Try<Nothing> destroy(std::string_view containerId) override {
    Try<Nothing> killed = kill(containerId);
    if (killed.isError()) return killed.error();
    Try<std::string> dir = hierarchy_.paths.container(containerId);
    if (dir.isError()) return dir.error();
    return removeTree(hierarchy_, dir.get(), options_);
  }

  Try<std::vector<std::string>> containers() const override { return containerIds({&hierarchy_}); }

 private:
  bool uses(Controller controller) const {
    return std::find(controllers_.begin(), controllers_.end(), controller) != controllers_.end();
  }

  // Writes "+<controller>" to `dir`/cgroup.subtree_control for each needed controller not yet
  // enabled there, one at a time, so that an error names the controller the kernel refused.
  Try<Nothing> enableForChildren(const std::string& dir) {
    Try<std::string> enabled = readControl(dir, "cgroup.subtree_control");
    if (enabled.isError()) return enabled.error();
    const std::vector<std::string> already = words(enabled.get());
    for (Controller controller : controllers_) {
      const std::string_view name = controllerName(controller);
      if (contains(already, name)) continue;
      Try<Nothing> written =
          writeControl(hierarchy_, dir, "cgroup.subtree_control", "+" + std::string(name));
      if (written.isError()) return written.error();
    }
    return Nothing{};
  }

  Hierarchy hierarchy_;
  // Invariant: no duplicates, in the order cpu, memory, pids.
  std::vector<Controller> controllers_;
  ManagerOptions options_;
};

}  // namespace

Try<std::unique_ptr<CgroupManager>> createV2(const Layout& layout, std::string_view cgroupsRoot,
                                             const std::vector<Controller>& controllers,
                                             const ManagerOptions& options) {
  if (!layout.v2) return Error::plain("no cgroup2 hierarchy is mounted");
  Try<Hierarchy> hierarchy = openHierarchy(*layout.v2, cgroupsRoot);
  if (hierarchy.isError()) return hierarchy.error();
  return std::unique_ptr<CgroupManager>(
      std::make_unique<V2Manager>(std::move(hierarchy).get(), controllers, options));
}

}  // namespace mesos::cgroups::backend
