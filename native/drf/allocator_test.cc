// The allocator core (docs/allocator.md): scenarios through the same event batches the facade
// sends, each with its expected decisions worked out in the comments.
#include "drf/allocator.h"

#include <string>
#include <vector>

#include "drf/event_writer.h"
#include "test/check.h"

using namespace mesos::drf;
using mesos::Try;

namespace {

// Scalar indices as the facade would intern them in these tests; one range name (ports).
constexpr std::uint32_t kCpus = 0;
constexpr std::uint32_t kMem = 1;
constexpr std::uint32_t kGpus = 3;
constexpr std::uint32_t kPorts = 0;

constexpr std::int64_t kMilli = 1000;

// The default minimum: cpus:0.01 | mem:32.
const std::vector<WireScalars> kDefaultMin{{{kCpus, 10}}, {{kMem, 32000}}};

struct Offer {
  std::uint32_t framework;
  std::uint32_t role;
  std::uint32_t agent;
  Pooled resources;

  std::int64_t scalar(std::int32_t pool, std::uint32_t k) const {
    const Bundle* b = resources.find(pool);
    return b == nullptr ? 0 : scalarAt(b->scalars, k);
  }
};

// An allocator fed through EventWriter batches, with the decisions read back.
class Harness {
 public:
  Allocator allocator;
  EventWriter w;

  explicit Harness(std::uint32_t seed = 1, std::int64_t gpuScalar = -1, int sorter = kSorterDrf) {
    w.configure(seed, gpuScalar, {}, kDefaultMin, sorter, sorter);
  }

  // Applies what w holds; the test ends on an error.
  void apply() {
    const Try<std::size_t> applied = allocator.apply(w.data, w.strings);
    w.clear();
    REQUIRE_OK(applied);
  }

  // Applies what w holds and returns the error message (empty on success).
  std::string applyError() {
    const Try<std::size_t> applied = allocator.apply(w.data, w.strings);
    w.clear();
    return applied.isError() ? applied.error().message : "";
  }

  std::vector<Offer> allocate(double now) {
    apply();
    const Decisions& d = allocator.allocate(now);
    std::vector<Offer> out;
    for (std::size_t i = 0; i < d.count; ++i) {
      Offer offer{static_cast<std::uint32_t>(d.offers[i * 4]), static_cast<std::uint32_t>(d.offers[i * 4 + 1]),
                  static_cast<std::uint32_t>(d.offers[i * 4 + 2]), {}};
      std::size_t pos = static_cast<std::size_t>(d.offers[i * 4 + 3]);
      decodePooled(d.payload.data(), pos, offer.resources);
      out.push_back(offer);
    }
    return out;
  }

  Explanation explain(std::uint32_t framework, std::uint32_t role) {
    apply();
    Try<Explanation> e = allocator.explain(framework, role);
    if (e.isError()) {
      CHECK_EQ(e.error().message, "");
      return {};
    }
    return e.get();
  }

  // Gives back everything an offer holds, with a filter until `expiry` (0: none).
  void decline(const Offer& offer, double expiry) {
    WirePooled resources;
    for (const PoolBundle& pb : offer.resources.pools) {
      WireBundle b;
      for (std::size_t k = 0; k < pb.bundle.scalars.size(); ++k) {
        if (pb.bundle.scalars[k] != 0) b.scalars.emplace_back(static_cast<std::uint32_t>(k), pb.bundle.scalars[k]);
      }
      for (const RangeEntry& r : pb.bundle.ranges) b.ranges.push_back({r.name, {{r.begin, r.end}}});
      resources.emplace_back(pb.pool, b);
    }
    w.recover(offer.framework, offer.agent, offer.role, resources, expiry);
  }
};

WireBundle cpusMem(double cpus, double mem) {
  WireBundle b;
  if (cpus > 0) b.scalars.emplace_back(kCpus, static_cast<std::int64_t>(cpus * kMilli));
  if (mem > 0) b.scalars.emplace_back(kMem, static_cast<std::int64_t>(mem * kMilli));
  return b;
}

WirePooled unreserved(double cpus, double mem) { return {{-1, cpusMem(cpus, mem)}}; }

std::int64_t sparseAt(const SparseScalars& s, std::uint32_t k) {
  for (const auto& [key, value] : s) {
    if (key == k) return value;
  }
  return 0;
}

std::size_t offersTo(const std::vector<Offer>& offers, std::uint32_t framework) {
  std::size_t n = 0;
  for (const Offer& o : offers) n += o.framework == framework ? 1 : 0;
  return n;
}

}  // namespace

TEST(one_framework_gets_a_whole_agent) {
  Harness h;
  h.w.addRole(0, "*", -1).addFramework(0, "fw-0", {0}, false, true, {});
  WireBundle agent = cpusMem(4, 1024);
  agent.ranges.push_back({kPorts, {{31000, 31005}}});
  h.w.addAgent(0, {{-1, agent}}, true);
  const std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].framework, 0u);
  CHECK_EQ(offers[0].scalar(kUnreserved, kCpus), 4000);
  CHECK_EQ(offers[0].scalar(kUnreserved, kMem), 1024000);
  CHECK_EQ(offers[0].resources.find(kUnreserved)->ranges.size(), 1);
  // Nothing is left for the next cycle.
  CHECK(h.allocate(2000).empty());
}

TEST(two_frameworks_alternate_by_share) {
  // Three agents of cpus:1;mem:100 (each a third of the cluster), frameworks A and B:
  // agent 1: both at share 0, count 0: A by path -> A 1/3. Agent 2: B (0) -> B 1/3.
  // Agent 3: shares and counts tie, A by path. Whatever the agent order: A 2, B 1.
  Harness h;
  h.w.addRole(0, "*", -1).addFramework(0, "A", {0}, false, true, {}).addFramework(1, "B", {0}, false, true, {});
  for (std::uint32_t a = 0; a < 3; ++a) h.w.addAgent(a, unreserved(1, 100), true);
  const std::vector<Offer> offers = h.allocate(1000);
  CHECK_EQ(offersTo(offers, 0), 2);
  CHECK_EQ(offersTo(offers, 1), 1);
  // Decisions come sorted by (framework, role, agent).
  REQUIRE_EQ(offers.size(), 3);
  CHECK_EQ(offers[0].framework, 0u);
  CHECK_LT(offers[0].agent, offers[1].agent);
  // Explain: A holds 2/3, B 1/3, so B ranks first; the role holds everything.
  const Explanation a = h.explain(0, 0);
  CHECK_EQ(a.share, 2000.0 / 3000.0);
  CHECK_EQ(a.rank, 1);
  CHECK_EQ(a.roleShare, 1.0);
  CHECK_EQ(a.roleRank, 0);
  CHECK_EQ(a.candidates, 3);
  CHECK_EQ(sparseAt(a.offered, kCpus), 2000);
  CHECK_EQ(h.explain(1, 0).rank, 0);
}

TEST(weights_divide_role_shares) {
  // Four agents of cpus:1 (a quarter each); roles r1 (weight 1) and r2 (weight 3), one framework
  // each. Agent 1: tie at 0, r1 by path -> r1 0.25. Agent 2: r2 (0) -> 0.25 / 3 = 0.083.
  // Agent 3: r2 (0.083 < 0.25) -> 0.5 / 3 = 0.167. Agent 4: r2 again -> 0.75 / 3 = 0.25.
  // Unweighted it would be 2 and 2.
  Harness h;
  h.w.addRole(0, "r1", -1).addRole(1, "r2", -1).setWeight(1, 3);
  h.w.addFramework(0, "f1", {0}, false, true, {}).addFramework(1, "f2", {1}, false, true, {});
  for (std::uint32_t a = 0; a < 4; ++a) h.w.addAgent(a, unreserved(1, 0), true);
  const std::vector<Offer> offers = h.allocate(1000);
  CHECK_EQ(offersTo(offers, 0), 1);
  CHECK_EQ(offersTo(offers, 1), 3);
  CHECK_EQ(h.explain(1, 1).roleShare, 0.75 / 3.0);
  CHECK_EQ(h.explain(1, 1).weight, 3.0);
}

TEST(reservations_are_offered_only_to_the_role_and_its_subroles) {
  // Roles a, a/b, c. Agent 0 holds only resources reserved to a/b, agent 1 only resources
  // reserved to a. a/b's reservation is allocatable to a/b (not to its parent a, nor to c); a's is
  // allocatable to a and a/b, and fa (role a, visited as "a/." before "a/b") takes it.
  Harness h;
  h.w.addRole(0, "a", -1).addRole(1, "a/b", 0).addRole(2, "c", -1);
  h.w.addFramework(0, "fa", {0}, false, true, {})
      .addFramework(1, "fab", {1}, false, true, {})
      .addFramework(2, "fc", {2}, false, true, {});
  h.w.addAgent(0, {{1, cpusMem(2, 200)}}, true);
  h.w.addAgent(1, {{0, cpusMem(1, 100)}}, true);
  const std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 2);
  // Sorted by framework: fa's offer on agent 1 (pool a), then fab's on agent 0 (pool a/b).
  CHECK_EQ(offers[0].framework, 0u);
  CHECK_EQ(offers[0].agent, 1u);
  CHECK_EQ(offers[0].scalar(0, kCpus), 1000);
  CHECK_EQ(offers[1].framework, 1u);
  CHECK_EQ(offers[1].agent, 0u);
  CHECK_EQ(offers[1].scalar(1, kCpus), 2000);
  // fa was visited on agent 0 and found nothing it may take.
  CHECK_GE(h.explain(0, 0).skips[kSkipNothingLeft], 1);
  // Reservations count as their top-level role's consumption: a's subtree holds 3 cpus.
  CHECK_EQ(sparseAt(h.explain(1, 1).consumed, kCpus), 3000);
}

TEST(quota_guarantees_are_served_first) {
  // Roles n (no quota) and q (guarantee cpus:1); one agent cpus:4;mem:1000. Stage 1 visits only
  // q: free cpus 4, required 1, so q may take min(4, surplus 3 + owed 1) = 4 cpus, and all the
  // mem (no guarantee on mem, nothing required): the whole agent. By path alone n would get it.
  Harness h;
  h.w.addRole(0, "n", -1).addRole(1, "q", -1).setQuota(1, {{kCpus, 1000}}, {});
  h.w.addFramework(0, "fn", {0}, false, true, {}).addFramework(1, "fq", {1}, false, true, {});
  h.w.addAgent(0, unreserved(4, 1000), true);
  const std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].framework, 1u);
  CHECK_EQ(offers[0].scalar(kUnreserved, kCpus), 4000);
  const Explanation q = h.explain(1, 1);
  CHECK_EQ(sparseAt(q.guarantee, kCpus), 1000);
  CHECK_EQ(sparseAt(q.consumed, kCpus), 4000);
  CHECK(q.limit.empty());
}

TEST(quota_limits_shrink_offers) {
  // Roles lim (limit cpus:1) and zzz; one agent cpus:4;mem:1000. lim goes first (path): cpus
  // min(4, limit room 1) = 1 and all the mem (no limit on mem). zzz gets the 3 cpus left.
  Harness h;
  h.w.addRole(0, "lim", -1).addRole(1, "zzz", -1).setQuota(0, {}, {{kCpus, 1000}});
  h.w.addFramework(0, "fl", {0}, false, true, {}).addFramework(1, "fz", {1}, false, true, {});
  h.w.addAgent(0, unreserved(4, 1000), true);
  const std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 2);
  CHECK_EQ(offers[0].scalar(kUnreserved, kCpus), 1000);
  CHECK_EQ(offers[0].scalar(kUnreserved, kMem), 1000000);
  CHECK_EQ(offers[1].scalar(kUnreserved, kCpus), 3000);
  const Explanation l = h.explain(0, 0);
  REQUIRE_EQ(l.limit.size(), 1);
  CHECK_EQ(l.limit[0].second, 1000);
}

TEST(a_role_at_its_limit_is_skipped_with_limit) {
  // Role lim (limit cpus:1), one framework; agents 0 (cpus:1;mem:1000) and 1 (cpus:2). With seed 1
  // both shuffles keep the order [0, 1] (draws 270369 and 67634689 are odd: j = 1, no swap):
  // agent 0 gives cpus:1 and mem; on agent 1 the limit room is 0 for the only scalar it has.
  Harness h(1);
  h.w.addRole(0, "lim", -1).setQuota(0, {}, {{kCpus, 1000}});
  h.w.addFramework(0, "fl", {0}, false, true, {});
  h.w.addAgent(0, unreserved(1, 1000), true).addAgent(1, unreserved(2, 0), true);
  const std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].agent, 0u);
  CHECK_EQ(h.explain(0, 0).skips[kSkipLimit], 1);
}

TEST(headroom_protects_an_unsatisfied_guarantee) {
  // Role g has a guarantee of cpus:2 and no framework yet; role n has none. Of an agent with
  // cpus:4, n may take only what leaves g's 2: surplus = free 4 - required 2 = 2 cpus.
  Harness h;
  h.w.addRole(0, "g", -1).addRole(1, "n", -1).setQuota(0, {{kCpus, 2000}}, {});
  h.w.addFramework(0, "fn", {1}, false, true, {});
  h.w.addAgent(0, unreserved(4, 1000), true);
  const std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].scalar(kUnreserved, kCpus), 2000);
  CHECK_EQ(offers[0].scalar(kUnreserved, kMem), 1000000);
  // g subscribes: stage 1 serves it the 2 cpus left.
  h.w.addFramework(1, "fg", {0}, false, true, {});
  const std::vector<Offer> next = h.allocate(2000);
  REQUIRE_EQ(next.size(), 1);
  CHECK_EQ(next[0].framework, 1u);
  CHECK_EQ(next[0].scalar(kUnreserved, kCpus), 2000);
}

TEST(offers_below_the_minimum_are_skipped_unless_overridden) {
  // cpus:0.005;mem:16 meets neither cpus:0.01 nor mem:32.
  Harness h;
  h.w.addRole(0, "*", -1).addFramework(0, "fw", {0}, false, true, {});
  h.w.addAgent(0, unreserved(0.005, 16), true);
  CHECK(h.allocate(1000).empty());
  CHECK_EQ(h.explain(0, 0).skips[kSkipMinAllocatable], 1);
  // The framework's own minimum for the role, cpus:0.001, accepts it.
  h.w.setMinAllocatable(0, 0, {{{kCpus, 1}}});
  CHECK_EQ(h.allocate(2000).size(), 1);
}

TEST(filters_hold_what_was_declined_until_they_expire) {
  Harness h;
  h.w.addRole(0, "*", -1).addFramework(0, "fw", {0}, false, true, {});
  h.w.addAgent(0, unreserved(2, 100), true);
  std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  h.decline(offers[0], 10000);
  // The same resources are filtered.
  CHECK(h.allocate(2000).empty());
  Explanation e = h.explain(0, 0);
  CHECK_EQ(e.skips[kSkipFiltered], 1);
  CHECK_EQ(e.filters, 1);
  CHECK_EQ(e.filteredAgents, 1);
  // A bigger offer (the agent grew to cpus:3) is not contained in the filter: it gets through.
  h.w.updateAgent(0, unreserved(3, 100));
  offers = h.allocate(3000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].scalar(kUnreserved, kCpus), 3000);
  // Declined again until 5000: filtered at 4000, offered at 5000 (expiry <= now drops it).
  h.decline(offers[0], 5000);
  CHECK(h.allocate(4000).empty());
  CHECK_EQ(h.explain(0, 0).filters, 2);
  CHECK_EQ(h.allocate(5000).size(), 1);
  CHECK_EQ(h.explain(0, 0).filters, 1);  // The one until 10000 is still there.
}

TEST(suppress_stops_offers_and_revive_clears_filters) {
  Harness h;
  h.w.addRole(0, "*", -1).addFramework(0, "fw", {0}, false, true, {});
  h.w.addAgent(0, unreserved(2, 100), true);
  std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  h.decline(offers[0], 1e12);
  h.w.suppress(0, {});
  CHECK(h.allocate(2000).empty());
  Explanation e = h.explain(0, 0);
  CHECK(e.suppressed);
  CHECK_EQ(e.rank, -1);
  CHECK_EQ(e.skips[kSkipFiltered], 0);  // Not visited at all.
  CHECK_EQ(e.filters, 1);               // Suppressing keeps filters.
  h.w.revive(0, {});
  offers = h.allocate(3000);
  CHECK_EQ(offers.size(), 1);
  CHECK_EQ(h.explain(0, 0).filters, 0);
}

TEST(agents_with_gpus_skip_frameworks_without_the_capability) {
  // Frameworks "a" (no GPU_RESOURCES) and "b" (with): a comes first by path and is skipped.
  Harness h(1, kGpus);
  h.w.addRole(0, "*", -1).addFramework(0, "a", {0}, false, true, {}).addFramework(1, "b", {0}, true, true, {});
  WireBundle agent = cpusMem(2, 100);
  agent.scalars.emplace_back(kGpus, 1000);
  h.w.addAgent(0, {{-1, agent}}, true);
  const std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].framework, 1u);
  CHECK_EQ(offers[0].scalar(kUnreserved, kGpus), 1000);
  CHECK_EQ(h.explain(0, 0).skips[kSkipGpu], 1);

  // Alone in its role, the framework without the capability is skipped the same way (the role's
  // turn is counted in one step).
  Harness alone(1, kGpus);
  alone.w.addRole(0, "*", -1).addFramework(0, "a", {0}, false, true, {});
  alone.w.addAgent(0, {{-1, agent}}, true);
  CHECK(alone.allocate(1000).empty());
  CHECK_EQ(alone.explain(0, 0).skips[kSkipGpu], 1);
}

TEST(removing_a_framework_or_an_agent_recovers_their_resources) {
  Harness h;
  h.w.addRole(0, "*", -1).addFramework(0, "a", {0}, false, true, {}).addFramework(1, "b", {0}, false, true, {});
  h.w.addAgent(0, unreserved(2, 100), true);
  std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].framework, 0u);
  // a goes: its allocation returns to the agent and b gets it.
  h.w.removeFramework(0);
  offers = h.allocate(2000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].framework, 1u);
  CHECK_EQ(h.explain(1, 0).share, 1.0);
  // The agent goes: b's allocation goes with it (its tasks are lost).
  h.w.removeAgent(0);
  CHECK_EQ(h.explain(1, 0).share, 0.0);
  CHECK_EQ(h.explain(1, 0).candidates, 1);  // Still the last cycle's.
  h.w.addAgent(1, unreserved(1, 50), true);
  offers = h.allocate(3000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].agent, 1u);
}

TEST(dropping_a_role_gives_back_its_allocations_and_filters) {
  Harness h;
  h.w.addRole(0, "r", -1).addRole(1, "s", -1).addFramework(0, "fw", {0, 1}, false, true, {});
  h.w.addAgent(0, unreserved(2, 100), true).addAgent(1, unreserved(2, 100), true);
  std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 2);
  // Both agents went to role r or s; decline one with a filter, then drop role r.
  h.decline(offers[0], 1e12);
  h.w.updateFramework(0, {1}, {});
  offers = h.allocate(2000);
  // Everything is now offered in role s (role r's allocation came back, its filter is gone).
  for (const Offer& o : offers) CHECK_EQ(o.role, 1u);
  const Explanation e = h.explain(0, 1);
  CHECK_EQ(e.share, 1.0);
}

TEST(convert_reserves_offered_resources_and_update_agent_checks_allocations) {
  // Roles r and s; fr takes the whole agent (r first by path), reserves 2 of its 4 cpus for r,
  // and gives everything back. Next cycle s comes first (r's count is 1, s's 0): fs gets the
  // unreserved cpus:2 and mem, and fr the cpus:2 reserved to r.
  Harness h;
  h.w.addRole(0, "r", -1).addRole(1, "s", -1);
  h.w.addFramework(0, "fr", {0}, false, true, {}).addFramework(1, "fs", {1}, false, true, {});
  h.w.addAgent(0, unreserved(4, 1000), true);
  std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].framework, 0u);
  h.w.convert(0, 0, 0, unreserved(2, 0), {{0, cpusMem(2, 0)}});
  h.w.recover(0, 0, 0, {{-1, cpusMem(2, 1000)}, {0, cpusMem(2, 0)}}, 0);
  offers = h.allocate(2000);
  REQUIRE_EQ(offers.size(), 2);
  CHECK_EQ(offers[0].framework, 0u);
  CHECK_EQ(offers[0].scalar(0, kCpus), 2000);
  CHECK_EQ(offers[0].scalar(kUnreserved, kCpus), 0);
  CHECK_EQ(offers[1].framework, 1u);
  CHECK_EQ(offers[1].scalar(kUnreserved, kCpus), 2000);
  // r's reservation counts once, allocated or not.
  CHECK_EQ(sparseAt(h.explain(0, 0).consumed, kCpus), 2000);
  // The operator may not shrink the agent below what is allocated on it.
  h.w.updateAgent(0, {{-1, cpusMem(1, 1000)}, {0, cpusMem(2, 0)}});
  CHECK_CONTAINS(h.applyError(), "does not cover what is allocated");
}

TEST(update_agent_reserves_unallocated_resources) {
  // The operator reserves the whole agent for role s: only fs sees it, although r sorts first.
  Harness h;
  h.w.addRole(0, "r", -1).addRole(1, "s", -1);
  h.w.addFramework(0, "fr", {0}, false, true, {}).addFramework(1, "fs", {1}, false, true, {});
  h.w.addAgent(0, unreserved(4, 1000), false);
  h.w.updateAgent(0, {{1, cpusMem(4, 1000)}}).activateAgent(0);
  const std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].framework, 1u);
  CHECK_EQ(offers[0].scalar(1, kMem), 1000000);
}

TEST(a_malformed_batch_changes_nothing) {
  Harness a;
  Harness b;
  for (Harness* h : {&a, &b}) {
    h->w.addRole(0, "*", -1).addFramework(0, "x", {0}, false, true, {}).addFramework(1, "y", {0}, false, true, {});
    h->w.addAgent(0, unreserved(2, 100), true).addAgent(1, unreserved(3, 100), true);
    h->apply();
  }
  // A valid event followed by a truncated one: the whole batch is refused.
  a.w.addAgent(2, unreserved(8, 800), true).addRole(1, "z", -1);
  a.w.data.pop_back();
  const std::string error = a.applyError();
  CHECK_CONTAINS(error, "malformed event batch at");
  CHECK_CONTAINS(error, "(event 1, ADD_ROLE)");
  const std::vector<Offer> fromA = a.allocate(1000);
  const std::vector<Offer> fromB = b.allocate(1000);
  REQUIRE_EQ(fromA.size(), fromB.size());
  for (std::size_t i = 0; i < fromA.size(); ++i) {
    CHECK_EQ(fromA[i].framework, fromB[i].framework);
    CHECK_EQ(fromA[i].agent, fromB[i].agent);
    CHECK(pooledEqual(fromA[i].resources, fromB[i].resources));
  }
}

TEST(a_semantic_error_stops_at_its_event) {
  Harness h;
  h.w.addRole(0, "*", -1).addFramework(0, "x", {0}, false, true, {});
  h.apply();
  // Event 0 applies; event 1 recovers what framework 0 does not hold; event 2 never runs.
  h.w.addAgent(0, unreserved(2, 100), true)
      .recover(0, 0, 0, unreserved(1, 0), 0)
      .addAgent(1, unreserved(2, 100), true);
  const std::string error = h.applyError();
  CHECK_CONTAINS(error, "event 1 (RECOVER at ");
  CHECK_CONTAINS(error, "recovers more than it holds");
  const std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].agent, 0u);
  // Unknown indices, reservations to missing roles and a second CONFIGURE are refused too.
  h.w.removeAgent(7);
  CHECK_CONTAINS(h.applyError(), "unknown agent 7");
  h.w.addAgent(2, {{5, cpusMem(1, 0)}}, true);
  CHECK_CONTAINS(h.applyError(), "reservation to role 5, which does not exist");
  h.w.configure(1, -1, {}, {}, 0, 0);
  CHECK_CONTAINS(h.applyError(), "CONFIGURE was already applied");
  h.w.setQuota(0, {}, {});
  h.w.addRole(1, "*/x", 0).setQuota(1, {{kCpus, 1}}, {});
  CHECK_CONTAINS(h.applyError(), "not top-level");
}

TEST(explain_counts_one_skip_per_visit_when_every_framework_is_filtered) {
  // Three frameworks decline the agent in turn (each cycle the lowest (share, count, path) takes
  // it: f0, then f1 (count 0), then f2). In the fourth cycle all three are filtered: each gets
  // one FILTERED visit.
  Harness h;
  h.w.addRole(0, "*", -1);
  for (std::uint32_t f = 0; f < 3; ++f) h.w.addFramework(f, "f" + std::to_string(f), {0}, false, true, {});
  h.w.addAgent(0, unreserved(2, 100), true);
  for (std::uint32_t round = 0; round < 3; ++round) {
    const std::vector<Offer> offers = h.allocate(1000 + round);
    REQUIRE_EQ(offers.size(), 1);
    CHECK_EQ(offers[0].framework, round);
    h.decline(offers[0], 1e12);
  }
  CHECK(h.allocate(2000).empty());
  for (std::uint32_t f = 0; f < 3; ++f) {
    const Explanation e = h.explain(f, 0);
    CHECK_EQ(e.skips[kSkipFiltered], 1);
    CHECK_EQ(e.skips[kSkipNothingLeft], 0);
  }
  // A suppressed framework is not visited; the others still are.
  h.w.suppress(2, {});
  CHECK(h.allocate(3000).empty());
  CHECK_EQ(h.explain(0, 0).skips[kSkipFiltered], 1);
  CHECK_EQ(h.explain(2, 0).skips[kSkipFiltered], 0);
}

TEST(agents_no_role_can_use_are_counted_as_limit_skips) {
  // Roles q1 and q2 each limited to cpus:1, four agents of cpus:1. The first agent goes to q1
  // (path), the second to q2 (q1 now has a share); on the other two both roles are at their limit:
  // two LIMIT skips each.
  Harness h;
  h.w.addRole(0, "q1", -1).addRole(1, "q2", -1);
  h.w.setQuota(0, {}, {{kCpus, 1000}}).setQuota(1, {}, {{kCpus, 1000}});
  h.w.addFramework(0, "f1", {0}, false, true, {}).addFramework(1, "f2", {1}, false, true, {});
  for (std::uint32_t a = 0; a < 4; ++a) h.w.addAgent(a, unreserved(1, 0), true);
  const std::vector<Offer> offers = h.allocate(1000);
  CHECK_EQ(offers.size(), 2);
  CHECK_EQ(h.explain(0, 0).skips[kSkipLimit], 2);
  CHECK_EQ(h.explain(1, 1).skips[kSkipLimit], 2);
  // Next cycle nothing changed: four agents... two are empty, two skipped again.
  CHECK(h.allocate(2000).empty());
  CHECK_EQ(h.explain(0, 0).skips[kSkipLimit], 2);
}

TEST(inactive_agents_and_frameworks_get_nothing_and_deactivation_clears_filters) {
  Harness h;
  h.w.addRole(0, "*", -1).addFramework(0, "fw", {0}, false, true, {});
  h.w.addAgent(0, unreserved(2, 100), false);
  CHECK(h.allocate(1000).empty());
  CHECK_EQ(h.explain(0, 0).candidates, 0);
  h.w.activateAgent(0);
  std::vector<Offer> offers = h.allocate(2000);
  REQUIRE_EQ(offers.size(), 1);
  h.decline(offers[0], 1e12);
  h.w.deactivateFramework(0);
  CHECK(h.allocate(3000).empty());
  Explanation e = h.explain(0, 0);
  CHECK(!e.active);
  CHECK_EQ(e.filters, 0);
  h.w.activateFramework(0);
  CHECK_EQ(h.allocate(4000).size(), 1);
}

TEST(the_same_seed_and_events_give_the_same_decisions_with_either_sorter) {
  for (int sorter : {kSorterDrf, kSorterRandom}) {
    std::vector<std::vector<Offer>> runs;
    for (int run = 0; run < 2; ++run) {
      Harness h(99, -1, sorter);
      h.w.addRole(0, "a", -1).addRole(1, "a/b", 0).addRole(2, "c", -1).setWeight(2, 2);
      for (std::uint32_t f = 0; f < 6; ++f) {
        h.w.addFramework(f, "fw-" + std::to_string(f), {f % 3}, false, true, {});
      }
      for (std::uint32_t a = 0; a < 20; ++a) h.w.addAgent(a, unreserved(1 + a % 3, 100), true);
      std::vector<Offer> all;
      for (int cycle = 0; cycle < 4; ++cycle) {
        const std::vector<Offer> offers = h.allocate(1000 + cycle);
        all.insert(all.end(), offers.begin(), offers.end());
        // Give back every other offer, some with filters.
        for (std::size_t i = 0; i < offers.size(); i += 2) h.decline(offers[i], i % 4 == 0 ? 1e12 : 0);
      }
      runs.push_back(all);
    }
    REQUIRE_EQ(runs[0].size(), runs[1].size());
    CHECK_GT(runs[0].size(), 20);
    for (std::size_t i = 0; i < runs[0].size(); ++i) {
      CHECK_EQ(runs[0][i].framework, runs[1][i].framework);
      CHECK_EQ(runs[0][i].agent, runs[1][i].agent);
    }
  }
}

TEST(filtered_visits_in_a_large_role_are_counted_per_framework) {
  // 35 frameworks in one role (a role that large counts FILTERED visits in a dense array). f0
  // takes agent 0 and declines it; then every other framework gets an allocation on a deactivated
  // helper agent and gives it back, so that its count (2) sorts it after f0 (count 1). Next cycle
  // the walk meets f0 first, filtered, and f1 takes the agent.
  Harness h;
  h.w.addRole(0, "*", -1);
  for (std::uint32_t f = 0; f < 35; ++f) h.w.addFramework(f, "f" + std::to_string(100 + f), {0}, false, true, {});
  h.w.addAgent(0, unreserved(2, 100), true).addAgent(1, unreserved(100, 100), false);
  std::vector<Offer> offers = h.allocate(1000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].framework, 0u);
  h.decline(offers[0], 1e12);
  for (std::uint32_t round = 0; round < 2; ++round) {
    for (std::uint32_t f = 1; f < 35; ++f) {
      h.w.addAllocation(f, 1, 0, unreserved(1, 0));
      h.w.recover(f, 1, 0, unreserved(1, 0), 0);
    }
  }
  offers = h.allocate(2000);
  REQUIRE_EQ(offers.size(), 1);
  CHECK_EQ(offers[0].framework, 1u);
  CHECK_EQ(h.explain(0, 0).skips[kSkipFiltered], 1);
  CHECK_EQ(h.explain(1, 0).skips[kSkipFiltered], 0);
  // The subscription ends; the last cycle still explains the same.
  h.w.updateFramework(0, {}, {});
  CHECK_EQ(h.explain(0, 0).skips[kSkipFiltered], 1);
  CHECK_EQ(h.explain(0, 0).filters, 0);
}
