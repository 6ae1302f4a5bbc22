// A C++ twin of protocol.ts's EventWriter, for the native unit tests and the benchmark driver:
// it builds event batches in exactly the encoding the facade sends, so they exercise the same
// decoding path the addon does. Header-only; not used by the allocator itself.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mesos::drf {

// Plain values for building batches.
struct WireBundle {
  std::vector<std::pair<std::uint32_t, std::int64_t>> scalars;
  std::vector<std::pair<std::uint32_t, std::vector<std::pair<std::int64_t, std::int64_t>>>> ranges;
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> sets;
};
using WirePooled = std::vector<std::pair<std::int32_t, WireBundle>>;
using WireScalars = std::vector<std::pair<std::uint32_t, std::int64_t>>;

class EventWriter {
 public:
  std::vector<double> data;
  std::vector<std::string> strings;

  EventWriter& configure(std::uint32_t seed, std::int64_t gpuScalar,
                         const std::vector<std::uint32_t>& excluded,
                         const std::vector<WireScalars>& defaultMinAllocatable, int roleSorter,
                         int frameworkSorter) {
    push(1);
    push(seed);
    push(static_cast<double>(gpuScalar));
    list(excluded);
    groups(defaultMinAllocatable);
    push(roleSorter);
    push(frameworkSorter);
    return *this;
  }
  EventWriter& addRole(std::uint32_t role, const std::string& name, std::int64_t parent) {
    push(2);
    push(role);
    str(name);
    push(static_cast<double>(parent));
    return *this;
  }
  EventWriter& setWeight(std::uint32_t role, double weight) {
    push(3);
    push(role);
    push(weight);
    return *this;
  }
  EventWriter& setQuota(std::uint32_t role, const WireScalars& guarantee, const WireScalars& limit) {
    push(4);
    push(role);
    sparse(guarantee);
    sparse(limit);
    return *this;
  }
  EventWriter& addAgent(std::uint32_t agent, const WirePooled& total, bool activated) {
    push(5);
    push(agent);
    push(activated ? 1 : 0);
    pooled(total);
    return *this;
  }
  EventWriter& updateAgent(std::uint32_t agent, const WirePooled& total) {
    push(6);
    push(agent);
    pooled(total);
    return *this;
  }
  EventWriter& removeAgent(std::uint32_t agent) { return single(7, agent); }
  EventWriter& activateAgent(std::uint32_t agent) { return single(8, agent); }
  EventWriter& deactivateAgent(std::uint32_t agent) { return single(9, agent); }
  EventWriter& addFramework(std::uint32_t framework, const std::string& name,
                            const std::vector<std::uint32_t>& roles, bool gpu, bool active,
                            const std::vector<std::uint32_t>& suppressed) {
    push(10);
    push(framework);
    str(name);
    push(gpu ? 1 : 0);
    push(active ? 1 : 0);
    list(roles);
    list(suppressed);
    return *this;
  }
  EventWriter& updateFramework(std::uint32_t framework, const std::vector<std::uint32_t>& roles,
                               const std::vector<std::uint32_t>& suppressed) {
    push(11);
    push(framework);
    list(roles);
    list(suppressed);
    return *this;
  }
  EventWriter& removeFramework(std::uint32_t framework) { return single(12, framework); }
  EventWriter& activateFramework(std::uint32_t framework) { return single(13, framework); }
  EventWriter& deactivateFramework(std::uint32_t framework) { return single(14, framework); }
  EventWriter& suppress(std::uint32_t framework, const std::vector<std::uint32_t>& roles) {
    push(15);
    push(framework);
    list(roles);
    return *this;
  }
  EventWriter& revive(std::uint32_t framework, const std::vector<std::uint32_t>& roles) {
    push(16);
    push(framework);
    list(roles);
    return *this;
  }
  EventWriter& setMinAllocatable(std::uint32_t framework, std::uint32_t role,
                                 const std::vector<WireScalars>& groupList) {
    push(17);
    push(framework);
    push(role);
    groups(groupList);
    return *this;
  }
  EventWriter& addAllocation(std::uint32_t framework, std::uint32_t agent, std::uint32_t role,
                             const WirePooled& resources) {
    push(18);
    push(framework);
    push(agent);
    push(role);
    pooled(resources);
    return *this;
  }
  EventWriter& recover(std::uint32_t framework, std::uint32_t agent, std::uint32_t role,
                       const WirePooled& resources, double expiry) {
    push(19);
    push(framework);
    push(agent);
    push(role);
    pooled(resources);
    push(expiry);
    return *this;
  }
  EventWriter& convert(std::uint32_t framework, std::uint32_t agent, std::uint32_t role,
                       const WirePooled& from, const WirePooled& to) {
    push(20);
    push(framework);
    push(agent);
    push(role);
    pooled(from);
    pooled(to);
    return *this;
  }

  // Appends raw numbers (for malformed-batch tests).
  EventWriter& raw(std::initializer_list<double> values) {
    for (double v : values) push(v);
    return *this;
  }

  void clear() {
    data.clear();
    strings.clear();
  }

 private:
  void push(double v) { data.push_back(v); }
  void str(const std::string& s) {
    push(static_cast<double>(strings.size()));
    strings.push_back(s);
  }
  void list(const std::vector<std::uint32_t>& values) {
    push(static_cast<double>(values.size()));
    for (std::uint32_t v : values) push(v);
  }
  void sparse(const WireScalars& scalars) {
    push(static_cast<double>(scalars.size()));
    for (const auto& [k, v] : scalars) {
      push(k);
      push(static_cast<double>(v));
    }
  }
  void groups(const std::vector<WireScalars>& groupList) {
    push(static_cast<double>(groupList.size()));
    for (const WireScalars& g : groupList) sparse(g);
  }
  void bundle(const WireBundle& b) {
    sparse(b.scalars);
    push(static_cast<double>(b.ranges.size()));
    for (const auto& [name, intervals] : b.ranges) {
      push(name);
      push(static_cast<double>(intervals.size()));
      for (const auto& [lo, hi] : intervals) {
        push(static_cast<double>(lo));
        push(static_cast<double>(hi));
      }
    }
    push(static_cast<double>(b.sets.size()));
    for (const auto& [name, items] : b.sets) {
      push(name);
      list(items);
    }
  }
  void pooled(const WirePooled& p) {
    push(static_cast<double>(p.size()));
    for (const auto& [pool, b] : p) {
      push(pool);
      bundle(b);
    }
  }
  EventWriter& single(int op, std::uint32_t index) {
    push(op);
    push(index);
    return *this;
  }
};

}  // namespace mesos::drf
