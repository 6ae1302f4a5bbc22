// drf-bench: times the native allocator core on Mesos's benchmark shapes (mesos-api.md section 6),
// one thread, no Node. Built by `make -C native bench` (-O2) into build/native-bench/drf-bench.
//
//   drf-bench decline [agents=10000] [frameworks=1000] [rounds=1001] [nofrag]
//       DeclineOffers: one role, agents cpus:24;mem:4096;disk:4096;ports:[31000-32000], each with
//       cpus:16;mem:2014;disk:1024 and 16 port fragments held by one framework (round-robin).
//       Every round declines every offer of the last cycle with a filter that never expires, then
//       runs a cycle.
//   drf-bench spread [agents=50000] [frameworks=6000] [rounds=15]
//       The same cluster, nothing filtered: offers are recovered without a filter each round.
//   A fifth argument `nofrag` leaves the port fragments out of the pre-allocation (decline, spread).
//   drf-bench quota [small=2500] [large=500] [sorter=drf|random]
//       LargeAndSmallQuota: small/5 + large*5 agents cpus:2;mem:2048;disk:2048, one framework per
//       role, quota guarantee = limit (small cpus:1;mem:1024;disk:1024, large 4x). Times the
//       allocating cycle and the empty one after it.
//
// Each line is `<scenario> <what> <milliseconds> <detail>`; the apply time of each batch is
// printed separately from the allocate time, which is what Mesos's benchmarks report.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "drf/allocator.h"
#include "drf/event_writer.h"

using namespace mesos::drf;
using mesos::Try;

namespace {

constexpr std::uint32_t kCpus = 0;
constexpr std::uint32_t kMem = 1;
constexpr std::uint32_t kDisk = 2;
constexpr std::uint32_t kPorts = 0;
constexpr double kYearMs = 365.0 * 24 * 3600 * 1000;

double millisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

void apply(Allocator& allocator, EventWriter& w, const char* what, bool print) {
  const auto start = std::chrono::steady_clock::now();
  Try<std::size_t> applied = allocator.apply(w.data, w.strings);
  const double ms = millisSince(start);
  if (applied.isError()) {
    std::fprintf(stderr, "%s: %s\n", what, applied.error().message.c_str());
    std::exit(1);
  }
  if (print) std::printf("  apply %-28s %9.2f ms (%zu events)\n", what, ms, applied.get());
  w.clear();
}

std::vector<WireScalars> defaultMin() { return {{{kCpus, 10}}, {{kMem, 32000}}}; }

// Recovers every offer of `d` (copying each pooled bundle from the payload as is).
void recoverAll(const Decisions& d, EventWriter& w, double expiry) {
  for (std::size_t i = 0; i < d.count; ++i) {
    const std::size_t start = static_cast<std::size_t>(d.offers[i * 4 + 3]);
    const std::size_t end = i + 1 < d.count ? static_cast<std::size_t>(d.offers[i * 4 + 7]) : d.payload.size();
    w.raw({19, static_cast<double>(d.offers[i * 4]), static_cast<double>(d.offers[i * 4 + 2]),
           static_cast<double>(d.offers[i * 4 + 1])});
    w.data.insert(w.data.end(), d.payload.begin() + static_cast<std::ptrdiff_t>(start),
                  d.payload.begin() + static_cast<std::ptrdiff_t>(end));
    w.raw({expiry});
  }
}

void singleRoleCluster(Allocator& allocator, std::uint32_t agents, std::uint32_t frameworks, bool fragments) {
  EventWriter w;
  w.configure(42, -1, {}, defaultMin(), kSorterDrf, kSorterDrf);
  w.addRole(0, "*", -1);
  char name[64];
  for (std::uint32_t f = 0; f < frameworks; ++f) {
    std::snprintf(name, sizeof name, "framework-%06u", f);
    w.addFramework(f, name, {0}, false, true, {});
  }
  apply(allocator, w, "add frameworks", true);
  const WireBundle agent{{{kCpus, 24000}, {kMem, 4096000}, {kDisk, 4096000}}, {{kPorts, {{31000, 32000}}}}, {}};
  // What one framework already runs there: DeclineOffers's cpus:16;mem:2014;disk:1024 and 16
  // port fragments, spread evenly as bench/allocator/cluster.ts's portFragments does.
  WireBundle used{{{kCpus, 16000}, {kMem, 2014000}, {kDisk, 1024000}}, {{kPorts, {}}}, {}};
  for (std::int64_t i = 0, stride = 1001 / 16; fragments && i < 16; ++i) {
    used.ranges[0].second.emplace_back(31000 + i * stride, 31000 + i * stride + stride / 2 - 1);
  }
  for (std::uint32_t a = 0; a < agents; ++a) {
    w.addAgent(a, {{-1, agent}}, true);
    w.addAllocation(a % frameworks, a, 0, {{-1, used}});
  }
  apply(allocator, w, "add agents + allocations", true);
}

int decline(std::uint32_t agents, std::uint32_t frameworks, std::uint32_t rounds, bool fragments) {
  std::printf("decline: %u agents, %u frameworks, one role, %u rounds%s\n", agents, frameworks, rounds,
              fragments ? "" : ", no port fragments");
  Allocator allocator;
  singleRoleCluster(allocator, agents, frameworks, fragments);
  EventWriter w;
  double now = 1000;
  double total = 0;
  for (std::uint32_t round = 0; round < rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    const Decisions& d = allocator.allocate(now);
    const double ms = millisSince(start);
    total += ms;
    const bool report = round < 3 || round % 100 == 0 || round + 1 == rounds;
    if (report) std::printf("decline round %4u allocate %8.2f ms  %zu offers\n", round, ms, d.count);
    recoverAll(d, w, now + kYearMs);
    now += 1000;
    apply(allocator, w, "decline every offer", report);
  }
  std::printf("decline mean allocate %.2f ms over %u rounds\n", total / rounds, rounds);
  return 0;
}

int spread(std::uint32_t agents, std::uint32_t frameworks, std::uint32_t rounds, bool fragments) {
  std::printf("spread: %u agents, %u frameworks, one role, nothing filtered%s\n", agents, frameworks,
              fragments ? "" : ", no port fragments");
  Allocator allocator;
  singleRoleCluster(allocator, agents, frameworks, fragments);
  EventWriter w;
  double now = 1000;
  std::vector<double> times;
  for (std::uint32_t round = 0; round < rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    const Decisions& d = allocator.allocate(now);
    const double ms = millisSince(start);
    times.push_back(ms);
    std::printf("spread round %u allocate %8.2f ms  %zu offers\n", round, ms, d.count);
    recoverAll(d, w, 0);
    now += 1000;
    apply(allocator, w, "recover every offer", round == 0);
  }
  std::sort(times.begin(), times.end());
  std::printf("spread allocate min %.2f ms, median %.2f ms over %zu rounds\n", times.front(),
              times[times.size() / 2], times.size());
  return 0;
}

int quota(std::uint32_t small, std::uint32_t large, int sorter) {
  const std::uint32_t agents = small / 5 + large * 5;
  const std::uint32_t roles = small + large;
  std::printf("quota: %u agents, %u roles, %u frameworks, %s sorters\n", agents, roles, roles,
              sorter == kSorterDrf ? "drf" : "random");
  Allocator allocator;
  EventWriter w;
  w.configure(42, -1, {}, defaultMin(), sorter, sorter);
  char name[64];
  for (std::uint32_t r = 0; r < roles; ++r) {
    const bool isSmall = r < small;
    std::snprintf(name, sizeof name, isSmall ? "quota_small_role_%u" : "quota_large_role_%u",
                  isSmall ? r : r - small);
    w.addRole(r, name, -1);
    const std::int64_t scale = isSmall ? 1 : 4;
    const WireScalars q{{kCpus, 1000 * scale}, {kMem, 1024000 * scale}, {kDisk, 1024000 * scale}};
    w.setQuota(r, q, q);
    std::snprintf(name, sizeof name, "framework_%u", r);
    w.addFramework(r, name, {r}, false, true, {});
  }
  apply(allocator, w, "roles, quota, frameworks", true);
  const WireBundle agent{{{kCpus, 2000}, {kMem, 2048000}, {kDisk, 2048000}}, {}, {}};
  for (std::uint32_t a = 0; a < agents; ++a) w.addAgent(a, {{-1, agent}}, true);
  apply(allocator, w, "agents", true);
  double now = 1000;
  for (int cycle = 0; cycle < 3; ++cycle) {
    const auto start = std::chrono::steady_clock::now();
    const Decisions& d = allocator.allocate(now);
    std::printf("quota cycle %d allocate %8.2f ms  %zu offers\n", cycle, millisSince(start), d.count);
    now += 1000;
  }
  return 0;
}

std::uint32_t arg(int argc, char** argv, int index, std::uint32_t fallback) {
  return argc > index ? static_cast<std::uint32_t>(std::strtoul(argv[index], nullptr, 10)) : fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string scenario = argc > 1 ? argv[1] : "";
  const bool fragments = !(argc > 5 && std::strcmp(argv[5], "nofrag") == 0);
  if (scenario == "decline") {
    return decline(arg(argc, argv, 2, 10000), arg(argc, argv, 3, 1000), arg(argc, argv, 4, 1001), fragments);
  }
  if (scenario == "spread") return spread(arg(argc, argv, 2, 50000), arg(argc, argv, 3, 6000), arg(argc, argv, 4, 15), fragments);
  if (scenario == "quota") {
    const bool random = argc > 4 && std::strcmp(argv[4], "random") == 0;
    return quota(arg(argc, argv, 2, 2500), arg(argc, argv, 3, 500), random ? kSorterRandom : kSorterDrf);
  }
  std::fprintf(stderr, "usage: drf-bench decline|spread|quota [sizes...] (see the file comment)\n");
  return 64;
}
