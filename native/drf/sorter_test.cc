// The sorters (docs/allocator.md sections 3 and 4): DRF ordering by (share, count, path) over a
// role tree with virtual leaves, walks that keep a snapshot's order while the visited client
// moves, and the random sorter's weighted shuffle from the shared xorshift32 generator. Some
// cases run over both sorters, as Mesos's sorter tests are typed over DRFSorter and RandomSorter.
#include <memory>
#include <string>
#include <vector>

#include "drf/drf_sorter.h"
#include "drf/random_sorter.h"
#include "test/check.h"

using namespace mesos::drf;

namespace {

// Scalar indices in these tests.
constexpr std::size_t kCpus = 0;
constexpr std::size_t kMem = 1;

// A role table as the allocator would answer for it.
class Roles final : public Hierarchy {
 public:
  struct Role {
    std::int64_t parent;
    std::string path;
    double weight;
  };
  std::vector<Role> roles;

  ClientId add(const std::string& path, std::int64_t parent = kNoParent, double weight = 1.0) {
    roles.push_back({parent, path, weight});
    return static_cast<ClientId>(roles.size() - 1);
  }
  std::int64_t parentOf(ClientId id) const override { return roles[id].parent; }
  const std::string& pathOf(ClientId id) const override { return roles[id].path; }
  double weightOf(ClientId id) const override { return roles[id].weight; }
};

// A cluster of cpus:100;mem:100 (in milli-units).
ShareContext cluster() {
  ShareContext ctx;
  ctx.total = Scalars{100000, 100000};
  return ctx;
}

Scalars cpusMem(std::int64_t cpus, std::int64_t mem) { return Scalars{cpus * 1000, mem * 1000}; }

std::vector<ClientId> sorted(Sorter& sorter) {
  std::vector<ClientId> out;
  sorter.sort(out);
  return out;
}

std::vector<ClientId> walked(Sorter& sorter) {
  std::vector<ClientId> out;
  sorter.beginWalk();
  ClientId c;
  while (sorter.next(c)) out.push_back(c);
  sorter.endWalk();
  return out;
}

std::string str(const std::vector<ClientId>& ids, const Roles& roles) {
  std::string out;
  for (ClientId id : ids) out += (out.empty() ? "" : " ") + roles.pathOf(id);
  return out;
}

void addActive(Sorter& sorter, ClientId client) {
  sorter.add(client);
  sorter.activate(client);
}

}  // namespace

TEST(dominant_share_takes_the_max_over_counted_scalars_then_divides_by_weight) {
  // The DRF paper's example: total cpus:9, mem:18.
  ShareContext ctx;
  ctx.total = Scalars{9000, 18000};
  // A holds cpus:1, mem:4: max(1/9, 4/18) = 0.2222...; B holds cpus:3, mem:1: max(3/9, 1/18) = 1/3.
  CHECK_EQ(dominantShare(Scalars{1000, 4000}, ctx, 1.0), 4000.0 / 18000.0);
  CHECK_EQ(dominantShare(Scalars{3000, 1000}, ctx, 1.0), 3000.0 / 9000.0);
  // Weight 2 halves it; excluding mem leaves cpus: 1/9.
  CHECK_EQ(dominantShare(Scalars{1000, 4000}, ctx, 2.0), (4000.0 / 18000.0) / 2.0);
  ctx.excluded = {0, 1};
  CHECK_EQ(dominantShare(Scalars{1000, 4000}, ctx, 1.0), 1000.0 / 9000.0);
  // Scalars with no total do not count: gpus:1 of a cluster without gpus.
  CHECK_EQ(dominantShare(Scalars{0, 0, 1000}, ctx, 1.0), 0.0);
}

TEST(drf_orders_by_share_then_count_then_path) {
  Roles roles;
  const ClientId a = roles.add("a");
  const ClientId b = roles.add("b");
  const ClientId c = roles.add("c");
  ShareContext ctx = cluster();
  DrfSorter sorter(ctx, roles, false);
  for (ClientId x : {c, a, b}) addActive(sorter, x);
  // All shares 0 and counts 0: by path.
  CHECK_EQ(str(sorted(sorter), roles), "a b c");

  // a: cpus:5, mem:5 -> max(0.05, 0.05) = 0.05; b: cpus:6, mem:3 -> max(0.06, 0.03) = 0.06.
  sorter.allocated(a, cpusMem(5, 5));
  sorter.allocated(b, cpusMem(6, 3));
  CHECK_EQ(str(sorted(sorter), roles), "c a b");
  CHECK_EQ(sorter.share(a), 0.05);
  CHECK_EQ(sorter.rank(b), 2);

  // c: mem:6 -> 0.06 ties b; both have count 1, so the path decides: b before c.
  sorter.allocated(c, cpusMem(0, 6));
  CHECK_EQ(str(sorted(sorter), roles), "a b c");

  // a gives back everything: share 0, but its count stays 1. A new client d (share 0, count 0)
  // comes first.
  sorter.unallocated(a, cpusMem(5, 5));
  const ClientId d = roles.add("d");
  addActive(sorter, d);
  CHECK_EQ(str(sorted(sorter), roles), "d a b c");
  CHECK_EQ(sorter.count(a), 1);
}

TEST(drf_weights_divide_shares) {
  Roles roles;
  const ClientId a = roles.add("a", kNoParent, 1.0);
  const ClientId b = roles.add("b", kNoParent, 3.0);
  ShareContext ctx = cluster();
  DrfSorter sorter(ctx, roles, false);
  addActive(sorter, a);
  addActive(sorter, b);
  // a: cpus:10 -> 0.1; b: cpus:20 -> 0.2 / 3 = 0.0667, so b first.
  sorter.allocated(a, cpusMem(10, 0));
  sorter.allocated(b, cpusMem(20, 0));
  CHECK_EQ(str(sorted(sorter), roles), "b a");
  CHECK_EQ(sorter.share(b), 0.2 / 3.0);
  // Weight 1 again: 0.2 > 0.1, a first.
  roles.roles[b].weight = 1.0;
  sorter.weightsChanged();
  CHECK_EQ(str(sorted(sorter), roles), "a b");
}

TEST(drf_hierarchy_uses_a_virtual_leaf_for_a_role_with_subroles) {
  Roles roles;
  const ClientId a = roles.add("a");
  const ClientId ab = roles.add("a/b", 0);
  const ClientId c = roles.add("c");
  ShareContext ctx = cluster();
  DrfSorter sorter(ctx, roles, true);
  addActive(sorter, a);
  addActive(sorter, ab);
  addActive(sorter, c);
  // Root: a, c (share 0, by path). Under a: "a/." sorts before "a/b".
  CHECK_EQ(str(sorted(sorter), roles), "a a/b c");

  // a/b takes cpus:10: nodes a and a/b have share 0.1 and count 1, so c (0) comes first.
  sorter.allocated(ab, cpusMem(10, 0));
  CHECK_EQ(str(sorted(sorter), roles), "c a a/b");
  // c takes cpus:20 (0.2 > 0.1): a's subtree first again, "a/." (0) before "a/b" (0.1).
  sorter.allocated(c, cpusMem(20, 0));
  CHECK_EQ(str(sorted(sorter), roles), "a a/b c");
  // a itself takes cpus:15: "a/." 0.15 and node a 0.25 > c's 0.2; under a, a/b (0.1) first.
  sorter.allocated(a, cpusMem(15, 0));
  CHECK_EQ(str(sorted(sorter), roles), "c a/b a");
  // A client's share is its own leaf's: the virtual leaf holds a's own cpus:15.
  CHECK_EQ(sorter.share(a), 0.15);
  CHECK_EQ(sorter.rank(a), 2);
}

TEST(drf_virtual_leaf_inherits_the_count_and_collapses_back) {
  Roles roles;
  const ClientId a = roles.add("a");
  const ClientId ab = roles.add("a/b", 0);
  ShareContext ctx = cluster();
  DrfSorter sorter(ctx, roles, true);
  addActive(sorter, a);
  sorter.allocated(a, cpusMem(1, 0));
  sorter.allocated(a, cpusMem(1, 0));
  CHECK_EQ(sorter.count(a), 2);
  // a gains a subrole: a's leaf becomes internal and the virtual leaf "a/." starts with count 2.
  addActive(sorter, ab);
  CHECK_EQ(sorter.count(a), 2);
  sorter.allocated(ab, cpusMem(1, 0));
  CHECK_EQ(sorter.count(a), 2);
  CHECK_EQ(sorter.count(ab), 1);
  // a/b leaves: node a is a's leaf again and keeps its own count, 3 (two of a's, one of a/b's).
  sorter.unallocated(ab, cpusMem(1, 0));
  sorter.remove(ab);
  CHECK_EQ(sorter.count(a), 3);
  CHECK_EQ(sorter.share(a), 0.02);
  CHECK_EQ(str(sorted(sorter), roles), "a");
}

TEST(drf_inactive_clients_are_not_sorted) {
  Roles roles;
  const ClientId a = roles.add("a");
  const ClientId b = roles.add("b");
  ShareContext ctx = cluster();
  DrfSorter sorter(ctx, roles, false);
  addActive(sorter, a);
  sorter.add(b);
  CHECK_EQ(str(sorted(sorter), roles), "a");
  CHECK_EQ(sorter.rank(b), -1);
  sorter.activate(b);
  sorter.deactivate(a);
  CHECK_EQ(str(sorted(sorter), roles), "b");
  sorter.activate(a);
  CHECK_EQ(str(sorted(sorter), roles), "a b");
  sorter.remove(a);
  CHECK(!sorter.contains(a));
  CHECK_EQ(str(sorted(sorter), roles), "b");
}

TEST(drf_new_cluster_total_resorts) {
  Roles roles;
  const ClientId a = roles.add("a");
  const ClientId b = roles.add("b");
  ShareContext ctx = cluster();
  DrfSorter sorter(ctx, roles, false);
  addActive(sorter, a);
  addActive(sorter, b);
  // a: cpus:10 (0.1); b: mem:20 (0.2): a first.
  sorter.allocated(a, cpusMem(10, 0));
  sorter.allocated(b, cpusMem(0, 20));
  CHECK_EQ(str(sorted(sorter), roles), "a b");
  // The cluster grows to mem:1000: b's share drops to 0.02, below a's 0.1.
  ctx.total = Scalars{100000, 1000000};
  ++ctx.version;
  CHECK_EQ(str(sorted(sorter), roles), "b a");
}

TEST(drf_flat_walk_keeps_the_snapshot_order_while_the_visited_client_moves) {
  Roles roles;
  std::vector<ClientId> ids;
  for (const char* name : {"a", "b", "c", "d"}) ids.push_back(roles.add(name));
  ShareContext ctx = cluster();
  DrfSorter sorter(ctx, roles, false);
  for (ClientId id : ids) addActive(sorter, id);
  // Visit a and b, giving each cpus:10: both move behind c and d in the live order, but the
  // walk still goes a, b, c, d, and meets neither again.
  std::vector<ClientId> seen;
  sorter.beginWalk();
  ClientId c;
  while (sorter.next(c)) {
    seen.push_back(c);
    if (c == ids[0] || c == ids[1]) sorter.allocated(c, cpusMem(10, 0));
  }
  sorter.endWalk();
  CHECK_EQ(str(seen, roles), "a b c d");
  CHECK_EQ(str(sorted(sorter), roles), "c d a b");
}

TEST(drf_hierarchical_walk_is_a_snapshot) {
  Roles roles;
  const ClientId ab = roles.add("a/b", roles.add("a"));
  const ClientId ac = roles.add("a/c", 0);
  const ClientId d = roles.add("d");
  ShareContext ctx = cluster();
  DrfSorter sorter(ctx, roles, true);
  for (ClientId id : {ab, ac, d}) addActive(sorter, id);
  CHECK_EQ(str(sorted(sorter), roles), "a/b a/c d");
  // Allocating to a/b moves node a (and a/c with it) behind d in the live order; the walk keeps
  // the order it started with.
  std::vector<ClientId> seen;
  sorter.beginWalk();
  ClientId c;
  while (sorter.next(c)) {
    seen.push_back(c);
    if (c == ab) sorter.allocated(ab, cpusMem(10, 0));
  }
  sorter.endWalk();
  CHECK_EQ(str(seen, roles), "a/b a/c d");
  CHECK_EQ(str(sorted(sorter), roles), "d a/c a/b");
}

TEST(drf_many_clients_taking_turns_stay_sorted) {
  // 500 clients, 2000 allocations of varying sizes through walks: the incremental order must
  // equal a full re-sort (which the next unallocated() forces).
  Roles roles;
  ShareContext ctx = cluster();
  ctx.total = Scalars{100000000, 100000000};
  DrfSorter sorter(ctx, roles, false);
  for (int i = 0; i < 500; ++i) addActive(sorter, roles.add("fw-" + std::to_string(1000 + (i * 7919) % 500)));
  Xorshift32 random(5);
  for (int round = 0; round < 40; ++round) {
    sorter.beginWalk();
    ClientId c;
    int taken = 0;
    while (taken < 50 && sorter.next(c)) {
      if (random.next() % 2 == 0) {
        sorter.allocated(c, Scalars{static_cast<std::int64_t>(random.next() % 5000), 1000});
        ++taken;
      }
    }
    sorter.endWalk();
    const std::vector<ClientId> incremental = sorted(sorter);
    sorter.unallocated(0, Scalars{});  // Marks the tree for a full sort.
    CHECK(sorted(sorter) == incremental);
  }
}

TEST(xorshift32_and_fisher_yates_follow_the_spec) {
  Xorshift32 one(1);
  CHECK_EQ(one.next(), 270369u);
  CHECK_EQ(one.next(), 67634689u);
  CHECK_EQ(one.next(), 2647435461u);
  // Seed 0 means 0x9E3779B9.
  Xorshift32 zero(0);
  CHECK_EQ(zero.next(), 1359758873u);
  // Fisher-Yates from the end with seed 7: [0..5] becomes [2, 1, 4, 5, 0, 3].
  Xorshift32 seven(7);
  std::vector<int> items{0, 1, 2, 3, 4, 5};
  seven.shuffle(items);
  CHECK((items == std::vector<int>{2, 1, 4, 5, 0, 3}));
}

TEST(weighted_shuffle_scans_cumulative_weights) {
  // Seed 42 draws 0.00264, 0.66031, 0.11096, 0.84938 (as fractions of 2^32).
  // Weights [1, 3, 1, 2] (sum 7): u = 0.0185 -> 10 (cumulative 1); then [3, 1, 2] (sum 6):
  // u = 3.96 -> cumulative 3, 4 -> 12; then [3, 2] (sum 5): u = 0.55 -> 11; then 13.
  std::vector<ClientId> out;
  Xorshift32 a(42);
  weightedShuffle({10, 11, 12, 13}, {1, 3, 1, 2}, a, out);
  CHECK((out == std::vector<ClientId>{10, 12, 11, 13}));
  // Fractional weights take the scan path: [1, 3, 0.5, 2] gives [10, 13, 11, 12].
  Xorshift32 b(42);
  weightedShuffle({10, 11, 12, 13}, {1, 3, 0.5, 2}, b, out);
  CHECK((out == std::vector<ClientId>{10, 13, 11, 12}));
  // One draw per client, the last one included.
  Xorshift32 c(42);
  Xorshift32 d(42);
  weightedShuffle({10, 11, 12, 13}, {1, 1, 1, 1}, c, out);
  for (int i = 0; i < 4; ++i) d.next();
  CHECK_EQ(c.next(), d.next());
}

TEST(random_sorter_is_deterministic_for_a_seed_and_lists_clients_by_path) {
  Roles roles;
  std::vector<ClientId> ids;
  for (const char* name : {"d", "b", "a", "c"}) ids.push_back(roles.add(name));
  ShareContext ctx = cluster();
  std::vector<std::vector<ClientId>> orders;
  for (int run = 0; run < 2; ++run) {
    Xorshift32 random(42);
    RandomSorter sorter(ctx, roles, random);
    for (ClientId id : ids) addActive(sorter, id);
    orders.push_back(sorted(sorter));
    orders.push_back(walked(sorter));
  }
  CHECK(orders[0] == orders[2]);
  CHECK(orders[1] == orders[3]);
  // Listed by path (a b c d), equal weights, draws as above: a, then c (u = 3 * 0.66 = 1.98 over
  // b c d), then b (u = 2 * 0.111 = 0.22 over b d), then d.
  CHECK_EQ(str(orders[0], roles), "a c b d");
  Xorshift32 random(1);
  RandomSorter sorter(ctx, roles, random);
  addActive(sorter, ids[0]);
  CHECK_EQ(sorter.rank(ids[0]), -1);
}

// The behaviour both sorters share, run over each (as Mesos types its sorter tests).
void commonBehaviour(const char* kind) {
  Roles roles;
  const ClientId a = roles.add("a");
  const ClientId b = roles.add("b");
  ShareContext ctx = cluster();
  Xorshift32 random(3);
  std::unique_ptr<Sorter> sorter;
  if (std::string(kind) == "drf") {
    sorter = std::make_unique<DrfSorter>(ctx, roles, false);
  } else {
    sorter = std::make_unique<RandomSorter>(ctx, roles, random);
  }
  sorter->add(a);
  CHECK(sorter->contains(a));
  CHECK(!sorter->contains(b));
  CHECK(sorted(*sorter).empty());  // Added clients are inactive.
  sorter->activate(a);
  addActive(*sorter, b);
  CHECK_EQ(sorted(*sorter).size(), 2);
  // Shares follow allocations whatever the order: cpus:30 of 100 is 0.3.
  sorter->allocated(a, cpusMem(30, 10));
  CHECK_EQ(sorter->share(a), 0.3);
  sorter->update(a, cpusMem(30, 0), cpusMem(0, 40));
  CHECK_EQ(sorter->share(a), 0.5);
  sorter->unallocated(a, cpusMem(0, 50));
  CHECK_EQ(sorter->share(a), 0.0);
  sorter->deactivate(b);
  CHECK_EQ(sorted(*sorter).size(), 1);
  CHECK_EQ(walked(*sorter).size(), 1);
  sorter->remove(b);
  CHECK(!sorter->contains(b));
}

TEST(both_sorters_track_membership_activity_and_shares) {
  commonBehaviour("drf");
  commonBehaviour("random");
}
