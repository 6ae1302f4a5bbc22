#include "cgroups/manager.h"

#include <algorithm>
#include <cmath>

#include "cgroups/backend.h"
#include "common/text.h"

namespace mesos::cgroups {

namespace {

constexpr Controller kControllers[] = {Controller::Cpu, Controller::Memory, Controller::Pids};

// floor(perCpu * cpus), for cpus already checked by validateLimits (so the product fits).
std::uint64_t truncatedProduct(std::uint64_t perCpu, double cpus) {
  return static_cast<std::uint64_t>(static_cast<double>(perCpu) * cpus);
}

}  // namespace

std::string_view controllerName(Controller controller) {
  switch (controller) {
    case Controller::Cpu:
      return "cpu";
    case Controller::Memory:
      return "memory";
    case Controller::Pids:
      return "pids";
  }
  return "unknown";
}

Try<Controller> parseController(std::string_view name) {
  for (Controller controller : kControllers) {
    if (controllerName(controller) == name) return controller;
  }
  return Error::plain("unknown cgroup controller " + common::quoteBytes(name) +
                      " (expected \"cpu\", \"memory\" or \"pids\")");
}

std::uint64_t cpuShares(double cpus) {
  return std::max(kMinCpuShares, truncatedProduct(kCpuSharesPerCpu, cpus));
}

std::uint64_t cfsQuotaUs(double cpus) {
  return std::max(kMinCfsQuotaUs, truncatedProduct(kCfsPeriodUs, cpus));
}

std::uint64_t cpuWeight(double cpus) {
  const auto weight = static_cast<std::uint64_t>(std::llround(kCpuWeightPerCpu * cpus));
  return std::clamp(weight, kMinCpuWeight, kMaxCpuWeight);
}

std::uint64_t memoryLimitBytes(std::uint64_t bytes) { return std::max(kMinMemoryBytes, bytes); }

std::optional<Error> validateLimits(const Limits& limits) {
  // Written so that NaN fails too: every comparison with NaN is false.
  if (!(limits.cpus >= 0 && limits.cpus <= kMaxCpus)) {
    return Error::plain("cpus must be a number from 0 to " +
                        std::to_string(static_cast<long long>(kMaxCpus)) +
                        ", got " + common::jsNumber(limits.cpus));
  }
  return std::nullopt;
}

Try<std::unique_ptr<CgroupManager>> createCgroupManager(const Layout& layout,
                                                        std::string_view cgroupsRoot,
                                                        std::span<const Controller> controllers,
                                                        const ManagerOptions& options) {
  // Duplicates are ignored; a fixed order keeps every later loop deterministic.
  std::vector<Controller> used;
  for (Controller controller : kControllers) {
    if (std::find(controllers.begin(), controllers.end(), controller) != controllers.end()) {
      used.push_back(controller);
    }
  }
  if (layout.mode == Mode::V2) return backend::createV2(layout, cgroupsRoot, used, options);
  // Hybrid hosts have their controllers in v1 hierarchies; the cgroup2 mount is not used.
  return backend::createV1(layout, cgroupsRoot, used, options);
}

}  // namespace mesos::cgroups
