// The sorter interface (docs/allocator.md section 3): a sorter only orders clients. The allocator
// owns agents, frameworks, filters and quota, and tells its sorters what each client holds.
//
// One allocator has one role sorter (hierarchical: clients are roles, "a/b" sits under "a") and
// one framework sorter per role (flat: clients are frameworks). Both come from factories the
// allocator is given, so DRF and random ordering are interchangeable behind this interface, as
// Mesos's --role_sorter and --framework_sorter make them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "drf/bundle.h"

namespace mesos::drf {

// A client: a role index in the role sorter, a framework index in a framework sorter.
using ClientId = std::uint32_t;
inline constexpr std::int64_t kNoParent = -1;

// What every sorter of one allocator shares: the cluster total its shares divide by, and the
// scalars left out of shares (--fair_sharing_excluded_resource_names).
struct ShareContext {
  // Every agent's total, all pools, activated or not.
  Scalars total;
  // Non-zero at index k: scalar k does not count in shares.
  std::vector<std::uint8_t> excluded;
  // Bumped whenever total or excluded change; a sorter whose cached shares were computed under
  // another version recomputes them (and re-sorts) before it orders anything.
  std::uint64_t version = 0;
};

// The weighted dominant share of docs/allocator.md section 3, computed exactly as the TypeScript
// reference does so that both cores get bit-identical doubles: int64 milli-units converted to
// double, one IEEE division per scalar k with total[k] > 0 that is not excluded, the max of those
// (0 when there are none), then one division by the weight.
//
// Example: total cpus:10 (10000), mem:100 (100000); allocation cpus:2 (2000), mem:50 (50000):
// max(2000/10000, 50000/100000) = max(0.2, 0.5) = 0.5, and with weight 2 the share is 0.25.
double dominantShare(const Scalars& allocation, const ShareContext& ctx, double weight);

// How client ids relate, answered by the allocator. Flat sorters never ask for parents.
class Hierarchy {
 public:
  virtual ~Hierarchy() = default;
  // The client id of the parent role, or kNoParent at the top.
  virtual std::int64_t parentOf(ClientId id) const = 0;
  // The full path: the role name ("a/b") or the framework's id string.
  virtual const std::string& pathOf(ClientId id) const = 0;
  // The weight that divides the share (1 for frameworks).
  virtual double weightOf(ClientId id) const = 0;
};

class Sorter {
 public:
  virtual ~Sorter() = default;

  // Adds an inactive client (and, in a hierarchical sorter, the nodes of its ancestors).
  // Precondition: !contains(client).
  virtual void add(ClientId client) = 0;
  // Removes a client; its allocation is forgotten. Precondition: contains(client).
  virtual void remove(ClientId client) = 0;
  virtual bool contains(ClientId client) const = 0;
  virtual void activate(ClientId client) = 0;
  virtual void deactivate(ClientId client) = 0;

  // Resources handed to the client: adds them and increments the allocation count of the
  // client (and of its ancestors in a hierarchical sorter).
  virtual void allocated(ClientId client, const Scalars& scalars) = 0;
  // Resources given back; counts stay.
  virtual void unallocated(ClientId client, const Scalars& scalars) = 0;
  // The allocation changes in place (a CONVERT); counts stay.
  virtual void update(ClientId client, const Scalars& removed, const Scalars& added) = 0;
  // Some weight in the Hierarchy changed.
  virtual void weightsChanged() = 0;

  // The client's weighted dominant share. Precondition: contains(client).
  virtual double share(ClientId client) const = 0;
  // The 0-based position of the client in sort(), or -1 when it is not there (inactive, unknown)
  // or when the order is random (a random order has no standing position).
  virtual std::int64_t rank(ClientId client) = 0;
  // The active clients in the order the allocator visits them.
  virtual void sort(std::vector<ClientId>& out) = 0;

  // A walk visits the clients of one sort() one at a time, without necessarily copying them:
  //   beginWalk(); while (next(c)) { ... allocated(c, ...) ... } endWalk();
  // The order is that of a sort() taken at beginWalk(), even though allocated() may be called on
  // the client next() just returned (and on no other) while the walk is open. Any other change
  // ends the walk. A sorter has at most one open walk.
  virtual void beginWalk() = 0;
  virtual bool next(ClientId& client) = 0;
  virtual void endWalk() = 0;

  // Whether sort() (and beginWalk()) draw from the random source. The allocator may skip
  // walking a sorter whose visits would all be skipped, but only when that does not change
  // which numbers the random source produces later.
  virtual bool drawsOnSort() const = 0;
};

class Xorshift32;  // random_sorter.h: the allocator's one random source.

// What a sorter is built over. Everything referenced belongs to the allocator and outlives it.
struct SorterContext {
  const ShareContext& shares;
  const Hierarchy& hierarchy;
  // Random sorters draw from the allocator's generator, in the allocator's order of calls.
  Xorshift32& random;
};

// Makes a sorter; `hierarchical` is true for the role sorter, false for framework sorters.
using SorterFactory =
    std::function<std::unique_ptr<Sorter>(const SorterContext& context, bool hierarchical)>;

}  // namespace mesos::drf
