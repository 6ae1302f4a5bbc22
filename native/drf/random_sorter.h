// The allocator's one random source (docs/allocator.md section 4) and the random sorter
// (section 3, Mesos's --role_sorter=random / --framework_sorter=random).
//
// Both cores draw from one xorshift32 generator in the same order of calls (the agent shuffles
// and every random sort), so a seed and an event sequence give identical decisions in both.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "drf/sorter.h"

namespace mesos::drf {

class Xorshift32 {
 public:
  static constexpr std::uint32_t kDefaultSeed = 0x9E3779B9u;

  explicit Xorshift32(std::uint32_t seed = 0) { reseed(seed); }
  // A seed of 0 (a fixed point of xorshift) means kDefaultSeed.
  void reseed(std::uint32_t seed) { x_ = seed == 0 ? kDefaultSeed : seed; }

  // The next state, in [1, 2^32). uint32 arithmetic wraps, which is the point.
  std::uint32_t next() {
    x_ ^= x_ << 13;
    x_ ^= x_ >> 17;
    x_ ^= x_ << 5;
    return x_;
  }

  // Fisher-Yates from the end: for i from n-1 down to 1, j = next() % (i + 1), then swap.
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i-- > 1;) {
      const std::size_t j = next() % (i + 1);
      std::swap(items[i], items[j]);
    }
  }

 private:
  std::uint32_t x_;
};

// The random sorters' order of `clients` (listed by path) with their weights (> 0): until none is
// left, draw u = next() / 2^32 * Σ weights (over the clients still left, summed in list order),
// take the first client whose cumulative weight is greater than u, and remove it. One draw per
// client, the last one included.
//
// Example: weights [1, 3] and a first draw of 2^31 give u = 0.5 * 4 = 2; the cumulative weights
// are 1 and 4, so the second client comes first and the first follows on the second draw.
//
// With integer weights every partial sum is exact, so a Fenwick tree finds the same client in
// O(log n); other weights take the literal O(n) scan, whose rounding both cores reproduce.
void weightedShuffle(const std::vector<ClientId>& clients, const std::vector<double>& weights,
                     Xorshift32& random, std::vector<ClientId>& out);

// Orders the active clients by weightedShuffle on every sort() and beginWalk(). Clients are listed
// by their full path (the role name, or the framework id; a role with subroles is listed under
// its own name, not "<name>/."), ties by id. A client's weight is its own (its role's weight, 1
// for frameworks). It tracks allocations only to report shares; rank() is -1.
class RandomSorter final : public Sorter {
 public:
  RandomSorter(const ShareContext& shares, const Hierarchy& hierarchy, Xorshift32& random);

  void add(ClientId client) override;
  void remove(ClientId client) override;
  bool contains(ClientId client) const override;
  void activate(ClientId client) override;
  void deactivate(ClientId client) override;
  void allocated(ClientId client, const Scalars& scalars) override;
  void unallocated(ClientId client, const Scalars& scalars) override;
  void update(ClientId client, const Scalars& removed, const Scalars& added) override;
  void weightsChanged() override {}
  double share(ClientId client) const override;
  std::int64_t rank(ClientId) override { return -1; }
  void sort(std::vector<ClientId>& out) override;
  void beginWalk() override;
  bool next(ClientId& client) override;
  void endWalk() override { walking_ = false; }
  bool drawsOnSort() const override { return true; }

 private:
  struct Client {
    bool present = false;
    bool active = false;
    Scalars allocation;  // What the client itself holds (its virtual leaf's, in DRF terms).
  };

  const ShareContext& shares_;
  const Hierarchy& hierarchy_;
  Xorshift32& random_;
  std::vector<Client> clients_;  // By client id.
  // Invariant: the present clients, sorted by (path, id).
  std::vector<ClientId> byPath_;
  std::vector<ClientId> scratchClients_;
  std::vector<double> scratchWeights_;
  std::vector<ClientId> walk_;
  std::size_t walkPos_ = 0;
  bool walking_ = false;
};

}  // namespace mesos::drf
