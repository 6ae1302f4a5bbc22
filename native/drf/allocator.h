// The native allocator core: the state and events of docs/allocator.md section 7, the allocation
// cycle of sections 5 and 6, and explain (section 8). The TypeScript reference in
// lib/allocator/reference/ implements the same contract; property tests demand identical
// decisions from both.
//
//   apply(batch) --decodeBatch--> events --one by one--> agents, frameworks, roles, filters
//   allocate(now): expire filters -> shuffle agents -> stage 1 (owed guarantees) -> reshuffle
//                  -> stage 2 (everyone) -> offers merged per (framework, role, agent), sorted
//
// Glossary: a *visit* (a, r, f) asks whether framework f in role r takes something of agent a;
// the *candidate offer* is what role r may take of a (its reservations, the unreserved
// non-scalars, the unreserved scalars capped by quota); a *skip* is a visit that takes nothing,
// with its reason (GPU, NOTHING_LEFT, LIMIT, MIN_ALLOCATABLE, FILTERED).
//
// What makes a cycle cheap (docs/allocator.md leaves the how to the core):
// - state is dense: agents, frameworks and roles by index, scalars in dense vectors;
// - the sorters are walked in place (no copy per agent) where the order allows it;
// - the candidate offer is computed once per (agent, role) turn and again only after an
//   allocation changes the agent;
// - filters live in one bucket per (agent, role) that caches which frameworks' filters contain the
//   role's current candidate offer and how many of the active ones do, so that a role whose every
//   active framework would be skipped (all filtered, nothing left, below the minimum) costs O(1)
//   instead of a visit per framework. The skips it stands for are still counted for explain: per
//   role during the cycle, handed to each active framework when the cycle ends;
// - quota state is mirrored in bitmasks (TopMasks), so that "can this role take anything of this
//   agent" is a few AND operations, and an agent no role can use is skipped in O(1) (pending_);
// - agents are prefetched a few steps ahead of the walk, which visits them in random order.
//
// Everything is single-threaded: the addon calls one Allocator from the JS thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/try.h"
#include "drf/bundle.h"
#include "drf/flat_table.h"
#include "drf/random_sorter.h"
#include "drf/sorter.h"
#include "drf/stream.h"

namespace mesos::drf {

// Why a visit did not allocate, in the order the checks run (protocol.ts's Skip).
enum Skip : std::uint8_t {
  kSkipGpu = 0,
  kSkipNothingLeft = 1,
  kSkipLimit = 2,
  kSkipMinAllocatable = 3,
  kSkipFiltered = 4,
};
inline constexpr std::size_t kSkipReasons = 5;

// The decisions of one cycle, in protocol.ts's Decisions layout: per offer four ints (framework,
// role, agent, start of its pooled bundle in payload), offers sorted by (framework, role, agent).
struct Decisions {
  std::vector<std::int32_t> offers;
  std::vector<double> payload;
  std::size_t count = 0;
};

using SparseScalars = std::vector<std::pair<std::uint32_t, std::int64_t>>;

// protocol.ts's CoreExplain. Sparse scalars are ascending by index; guarantee, consumed and
// offered leave out zero amounts, limit lists every scalar that has a limit (0 included).
struct Explanation {
  double share = 0.0;
  std::int64_t rank = -1;
  double roleShare = 0.0;
  std::int64_t roleRank = -1;
  double weight = 1.0;
  bool active = false;
  bool suppressed = false;
  std::uint64_t filters = 0;
  std::uint64_t filteredAgents = 0;
  SparseScalars guarantee;
  SparseScalars limit;
  SparseScalars consumed;
  SparseScalars offered;
  std::array<std::uint64_t, kSkipReasons> skips{};
  std::uint64_t candidates = 0;
};

// The two kinds of sorter CONFIGURE chooses between.
struct SorterFactories {
  SorterFactory drf;
  SorterFactory random;
};
SorterFactories defaultSorterFactories();

class Allocator {
 public:
  explicit Allocator(SorterFactories factories = defaultSorterFactories());
  ~Allocator();
  Allocator(const Allocator&) = delete;
  Allocator& operator=(const Allocator&) = delete;

  // Applies a batch (docs/allocator.md section 7). A malformed batch is rejected before any event
  // applies; a semantic error stops at the bad event, which changes nothing, while the events
  // before it stay applied. Returns the number of events applied.
  Try<std::size_t> apply(std::span<const double> data, std::span<const std::string> strings);

  // Runs one allocation cycle at time `now` (ms). The result stays valid until the next call.
  const Decisions& allocate(double now);

  Try<Explanation> explain(std::uint32_t framework, std::uint32_t role);

 private:
  // ---- State --------------------------------------------------------------------------------

  struct Role {
    bool exists = false;
    std::string name;      // The full path, "a/b".
    std::int64_t parent = -1;
    std::uint32_t top = 0;  // Its top-level ancestor, or itself.
    double weight = 1.0;    // Invariant: finite and > 0.
    // The pools allocatable to the role: itself and its ancestors, ascending.
    std::vector<std::int32_t> pools;

    // Quota, on top-level roles only. limit holds kUnlimited where a scalar has no limit (and
    // past its end). consumed is docs/allocator.md's consumed(t): every reservation to the
    // subtree plus every unreserved allocation to its frameworks.
    Scalars guarantee;
    Scalars limit;
    Scalars consumed;
    // Invariant: the number of scalars k with guarantee[k] > consumed[k].
    std::uint32_t unsatisfiedScalars = 0;

    // The frameworks subscribed to the role (unordered). Invariant: the role is a client of the
    // role sorter exactly while this is not empty.
    std::vector<std::uint32_t> frameworks;
    std::unique_ptr<Sorter> sorter;  // The framework sorter, created on first subscription.
    // Among the subscribed frameworks that are active in the role: how many, how many have the
    // GPU capability, how many have a min_allocatable override for it.
    std::uint32_t activeClients = 0;
    std::uint32_t activeGpuClients = 0;
    std::uint32_t activeOverrideClients = 0;
  };

  // The few fields of a role the cycle reads at every (agent, role) step, packed apart from Role
  // so that walking thousands of roles per agent stays in cache.
  struct RoleHot {
    std::uint32_t top = 0;
    std::uint32_t activeClients = 0;  // Mirrors Role::activeClients.
  };

  // Skips counted per role in the current cycle (cycle) for visits not made one by one:
  // [agent has gpus][class], class 0 NOTHING_LEFT, 1 LIMIT, 2 MIN_ALLOCATABLE, 3 FILTERED.
  // Each active framework of the role gets them when the cycle ends, as GPU when the agent had
  // gpus and it lacks the capability.
  struct RoleBulk {
    std::uint64_t cycle = 0;
    std::array<std::array<std::uint64_t, 4>, 2> count{};
  };

  // Quota state of a top-level role as bitmasks over scalars 0..63, for O(1) emptiness checks:
  // the unreserved scalar k of a candidate offer is 0 exactly when the agent has none of k, or
  // limitRoom[k] == 0 (roomZero), or surplus[k] + unsatisfied[k] == 0 (surplusZero_ & unsatZero).
  struct TopMasks {
    std::uint64_t roomZero = 0;
    std::uint64_t unsatZero = ~std::uint64_t{0};
    // Mirrors Role::unsatisfiedScalars > 0 (any scalar, not only the first 64): stage 1 asks it of
    // every role it walks.
    bool owed = false;
  };

  // Agents skipped whole in stage 2 because no role could take anything from them, counted by
  // what they had (scalars mask, gpus) until the skips are handed to the roles (flushPending).
  struct Pending {
    std::uint64_t mask;
    bool gpu;
    std::uint64_t count;
  };

  // A framework's subscription to one role.
  struct Client {
    std::uint32_t role = 0;
    bool suppressed = false;
    // Invariant: active == framework active && !suppressed; the framework sorter agrees.
    bool active = false;
    bool hasOverride = false;  // The framework has a min_allocatable override for the role.
    // The filter buckets holding this client's filters; bucket entries point back by position.
    std::vector<std::uint32_t> buckets;
    std::uint64_t filterCount = 0;
    // Explain's skip counts, valid for the cycle numbered `cycle`. FILTERED visits may also sit on
    // bucket entries or in roleFiltered_, and what was offered is read back from the last
    // cycle's offers: the hot loop touches as little of the framework as it can.
    std::uint64_t cycle = 0;
    std::array<std::uint64_t, kSkipReasons> skips{};
  };

  struct Framework {
    bool exists = false;
    std::string name;
    bool gpu = false;
    bool active = false;
    std::vector<Client> clients;  // Sorted by role.
    std::vector<std::pair<std::uint32_t, Groups>> overrides;  // Sorted by role.
  };

  // What framework f holds of an agent in role r. Invariant: not empty. Records live inside
  // their agent (most agents have one or two), so a visit finds them without a pointer chase; a
  // framework's records are found by scanning the agents, which only removals need.
  struct Record {
    std::uint32_t framework = 0;
    std::uint32_t role = 0;
    Pooled resources;
    std::uint64_t cycle = 0;  // The cycle that last offered to it ...
    std::uint32_t offer = 0;  // ... and its offer there.
  };

  // Fields in the order a visit reads them: a cycle touches agents in random order, so what it
  // reads of one should share cache lines.
  struct Agent {
    bool exists = false;
    bool activated = false;
    bool hasGpu = false;  // total has gpus in some pool.
    SmallVector<std::pair<std::uint32_t, std::uint32_t>, 1> buckets;  // (role, bucket)
    // Invariant: avail == total - the sum of the agent's records (pool by pool), so avail ⊆ total.
    Pooled avail;
    SmallVector<Record, 2> records;
    Pooled total;
  };

  // Filters of one (agent, role), by framework.
  struct BucketEntry {
    std::uint32_t framework = 0;
    std::int32_t firstFilter = -1;  // A chain through Filter::next.
    std::uint32_t clientPos = 0;    // Its position in the client's bucket list.
    // Whether one of the filters contains cachedOffer (stale while !cacheValid).
    bool covers = false;
    // Visits in cycle skipCycle that this entry's filters ended (FILTERED). Kept here so that
    // walking past a filtered framework need not touch the framework.
    std::uint32_t filteredSkips = 0;
    std::uint64_t skipCycle = 0;
  };
  struct Bucket {
    bool inUse = false;
    std::uint32_t agent = 0;
    std::uint32_t role = 0;
    FlatTable<BucketEntry> entries;  // By framework.
    // Bit f: entry f covers cachedOffer. A visit asks this (one bit in a few cache lines fetched
    // ahead) instead of probing the table, which matters when a walk passes hundreds of filtered
    // frameworks on each agent. Invariant: bit f == (entries has f && its covers).
    std::vector<std::uint64_t> coveredBits;
    bool cacheValid = false;
    Pooled cachedOffer;
    // Invariant: entries with covers whose client is active (and, for the second, whose
    // framework has the GPU capability).
    std::uint32_t coveredActive = 0;
    std::uint32_t coveredActiveGpu = 0;
  };
  struct Filter {
    bool inUse = false;
    std::uint32_t bucket = 0;
    std::uint32_t framework = 0;
    std::uint32_t bundle = 0;  // Interned resources.
    std::int32_t next = -1;
    double expiry = 0;
    std::uint32_t generation = 0;  // Tells a live filter from a reused slot in expiries_.
  };
  // Filter resources, shared by identical filters: declining the same offer a thousand times
  // keeps one copy.
  struct Interned {
    Pooled pooled;
    std::uint64_t hash = 0;
    std::uint32_t refs = 0;
    std::int32_t nextSameHash = -1;
    std::uint64_t memoStamp = 0;
    bool memoCovers = false;
  };
  struct Expiry {
    double expiry;
    std::uint32_t filter;
    std::uint32_t generation;
  };

  // The candidate offer of one role on one agent (docs/allocator.md section 6), kept in parts and
  // put together (pooled) only when needed.
  struct Offer {
    std::uint32_t agent = 0;
    std::uint32_t role = 0;
    const Bundle* unreservedAvail = nullptr;
    Scalars unreserved;  // The unreserved scalars offered.
    std::vector<std::uint32_t> reservedPools;  // Indices into the agent's avail.pools.
    bool empty = true;
    bool limitReason = false;  // Empty because limitRoom zeroed every available scalar.
    Scalars total;             // Scalars of every pool, summed.
    bool defaultMeets = true;  // total meets the default minimum-allocatable groups.
    bool materialized = false;
    Pooled pooled;
    const Bucket* checkedBucket = nullptr;  // The bucket whose cache matches this offer.
  };

  // ---- Events -------------------------------------------------------------------------------
  Try<bool> applyEvent(const Event& e);
  Try<bool> configure(const Event& e);
  Try<bool> addRole(const Event& e);
  Try<bool> setWeight(const Event& e);
  Try<bool> setQuota(const Event& e);
  Try<bool> addAgent(const Event& e);
  Try<bool> updateAgent(const Event& e);
  Try<bool> removeAgent(const Event& e);
  Try<bool> addFramework(const Event& e);
  Try<bool> updateFramework(const Event& e);
  Try<bool> removeFramework(const Event& e);
  Try<bool> setFrameworkActive(const Event& e, bool active);
  Try<bool> suppressOrRevive(const Event& e, bool suppress);
  Try<bool> setMinAllocatable(const Event& e);
  Try<bool> addAllocation(const Event& e);
  Try<bool> recover(const Event& e);
  Try<bool> convert(const Event& e);

  // Validation helpers: an Error naming the problem, or nothing.
  Try<bool> checkNewIndex(const char* what, std::uint32_t index, std::size_t size) const;
  Try<bool> checkRole(std::uint32_t role) const;
  Try<bool> checkRoles(const std::vector<std::uint32_t>& roles) const;
  // Every role of `roles` exists and is one of `of`.
  Try<bool> checkSubset(const std::vector<std::uint32_t>& roles, const std::vector<std::uint32_t>& of) const;
  Try<bool> checkAgent(std::uint32_t agent) const;
  Try<bool> checkFramework(std::uint32_t framework) const;
  Try<bool> checkPools(const Pooled& pooled) const;

  // ---- Bookkeeping --------------------------------------------------------------------------
  void addConsumed(std::uint32_t top, const Scalars& scalars, int sign);
  void addReservations(const Pooled& pooled, int sign);
  void addClusterTotal(const Pooled& pooled, int sign);
  void addFree(const Bundle* unreserved, int sign);
  Client* findClient(std::uint32_t framework, std::uint32_t role);
  const Groups* overrideOf(const Framework& fw, std::uint32_t role) const;
  void trackRole(std::uint32_t framework, std::uint32_t role, bool suppressed);
  void untrackRole(std::uint32_t framework, std::uint32_t role);
  void refreshActive(std::uint32_t framework, Client& client);
  // The index of (framework, role)'s record in the agent's records, or -1.
  std::int32_t findRecord(std::uint32_t framework, std::uint32_t agent, std::uint32_t role) const;
  // Takes `resources` out of a record (and the sorters and quota), dropping the record when it
  // empties; gives them back to the agent when `toAgent`. `resources` must not alias the record.
  void releaseFromRecord(std::uint32_t agent, std::size_t record, const Pooled& resources, bool toAgent);
  void releaseRecordsOf(std::uint32_t framework, std::int64_t role);
  // Hands resources to (framework, role) on an agent (ADD_ALLOCATION): the agent, the record, the
  // sorters and the quota arithmetic all change. Returns the record's index in the agent's records.
  std::size_t grant(std::uint32_t framework, std::uint32_t agent, std::uint32_t role,
                    const Pooled& resources, const Scalars& total);

  // ---- Filters ------------------------------------------------------------------------------
  std::uint32_t intern(const Pooled& pooled);
  void release(std::uint32_t interned);
  Bucket* findBucket(std::uint32_t agent, std::uint32_t role);
  std::uint32_t bucketFor(std::uint32_t agent, std::uint32_t role);
  BucketEntry* findEntry(Bucket& bucket, std::uint32_t framework);
  static void setCovered(Bucket& bucket, std::uint32_t framework, bool covers);
  static bool covered(const Bucket& bucket, std::uint32_t framework) {
    const std::size_t word = framework / 64;
    return word < bucket.coveredBits.size() && (bucket.coveredBits[word] >> (framework % 64) & 1) != 0;
  }
  void addFilter(std::uint32_t framework, std::uint32_t role, std::uint32_t agent,
                 const Pooled& resources, double expiry);
  void removeFilter(std::uint32_t filter);
  // Drops an entry (whose filters are already freed) from its bucket and client.
  void dropEntry(std::uint32_t bucket, std::uint32_t framework);
  void freeChain(std::int32_t first);
  void clearFilters(std::uint32_t framework, Client& client);
  void clearAgentFilters(std::uint32_t agent);
  void adjustCovered(Bucket& bucket, const BucketEntry& entry, int sign);
  bool chainCovers(std::int32_t first, const Pooled& offer);
  // Makes the bucket's cache describe `offer` (recomputing what its filters cover if it changed).
  void validateBucket(Bucket& bucket, Offer& offer);
  bool offerEquals(const Pooled& cached, const Offer& offer) const;

  // ---- The cycle ----------------------------------------------------------------------------
  void runStage(bool stage1);
  void visitRole(std::uint32_t agent, std::uint32_t role, bool stage1);
  void computeOffer(std::uint32_t agent, std::uint32_t role, Offer& offer) const;
  // A cycle's grant of the whole candidate offer: as grant(), plus the decision, and cheaper
  // because what an offer takes of the agent is known without interval arithmetic.
  void grantOffer(std::uint32_t framework, Offer& offer);
  void materialize(Offer& offer) const;
  bool meets(const Groups& groups, const Scalars& total) const;
  void countBulk(std::uint32_t role, bool agentGpu, int skipClass, std::uint64_t n = 1);
  void flushPending();
  void refreshTopMasks(std::uint32_t top);
  void refreshTopMaskBit(std::uint32_t top, std::size_t k);
  void refreshSurplusMask();
  void noteScalars(const Pooled& pooled);
  std::uint64_t takeable();
  // Sets agentMask_ and agentPlain_ for an agent.
  void summarizeAgent(const Agent& agent);
  Client& cycleStats(Client& client);
  void finishCycle();

  std::int64_t limitRoom(const Role& top, std::size_t k) const;
  std::int64_t unsatisfied(const Role& top, std::size_t k) const;
  std::int64_t surplus(std::size_t k) const;

  class RoleHierarchy;
  class FrameworkHierarchy;

  SorterFactories factories_;
  std::unique_ptr<Hierarchy> roleHierarchy_;
  std::unique_ptr<Hierarchy> frameworkHierarchy_;
  ShareContext shares_;
  Xorshift32 random_;

  bool configured_ = false;
  std::int64_t gpuScalar_ = -1;
  Groups defaultGroups_;
  int frameworkSorterKind_ = kSorterDrf;
  std::unique_ptr<Sorter> roleSorter_;

  std::vector<Role> roles_;
  std::vector<RoleHot> roleHot_;
  // FILTERED visits of the current cycle per framework, for roles with many frameworks (where a
  // walk may pass hundreds of filtered ones per agent): a dense array by framework index, so that
  // counting a visit touches no bucket entry. Roles with few frameworks count on the entries.
  struct FilteredCount {
    std::uint32_t count = 0;
    std::uint32_t cycle = 0;  // The low 32 bits of the cycle it counts.
  };
  std::vector<std::vector<FilteredCount>> roleFiltered_;  // By role; empty for most.
  static constexpr std::size_t kDenseFilteredCounts = 32;
  // This cycle's FILTERED count of (framework, role) kept in roleFiltered_ (0 when none).
  std::uint32_t denseFiltered(std::uint32_t framework, std::uint32_t role) const;
  std::vector<RoleBulk> roleBulk_;
  std::vector<TopMasks> topMasks_;  // By role index; meaningful for top-level roles.
  std::vector<Framework> frameworks_;
  std::vector<Agent> agents_;

  // Quota arithmetic, per scalar. Invariants: required_[k] is the sum over top-level roles of
  // max(0, guarantee - consumed); free_[k] is the sum over all agents of avail(a, -1)[k].
  Scalars required_;
  Scalars free_;
  std::uint32_t unsatisfiedRoles_ = 0;  // Top-level roles with some unsatisfied scalar.
  // Bits k < 64 with surplus(k) == 0.
  std::uint64_t surplusZero_ = ~std::uint64_t{0};
  // Bumped whenever a TopMasks or surplusZero_ changes, or a role gains or loses its last
  // active framework: what takeable() depends on.
  std::uint64_t masksEpoch_ = 1;
  // Some scalar index >= 64 is in use: the bitmask shortcuts are off.
  bool wideScalars_ = false;
  std::uint64_t takeable_ = 0;
  std::uint64_t takeableEpoch_ = 0;

  std::vector<Bucket> buckets_;
  std::vector<std::uint32_t> freeBuckets_;
  std::vector<Filter> filters_;
  std::vector<std::uint32_t> freeFilters_;
  std::vector<Interned> interned_;
  std::vector<std::uint32_t> freeInterned_;
  std::unordered_map<std::uint64_t, std::uint32_t> internedByHash_;
  std::vector<Expiry> expiries_;  // A min-heap on expiry, with stale entries skipped.
  std::uint64_t memoStamp_ = 0;

  // The cycle.
  std::uint64_t cycle_ = 0;
  std::uint64_t lastCandidates_ = 0;
  std::vector<std::uint32_t> candidates_;
  Offer offer_;
  std::vector<std::uint32_t> bulkRoles_;  // Roles with bulk counts this cycle.
  std::vector<Pending> pending_;
  // The last cycle's skip counts of subscriptions that ended since: explain reports the last
  // cycle of (framework, role) whatever happened after it. Key: framework << 32 | role.
  std::unordered_map<std::uint64_t, std::array<std::uint64_t, kSkipReasons>> endedStats_;
  // The agent being walked: bits k < 64 with unreserved scalars available, and whether it is
  // plain (its available resources are unreserved scalars only).
  std::uint64_t agentMask_ = 0;
  bool agentPlain_ = false;
  // An offer of this cycle: its resources are encoded in offerArena_ as they are granted, and
  // only an offer that grows twice in one cycle (stage 1, then stage 2) is kept as a Pooled.
  struct OfferOut {
    std::uint32_t framework;
    std::uint32_t role;
    std::uint32_t agent;
    std::uint32_t start;   // [start, end) in offerArena_.
    std::uint32_t end;
    std::int32_t merged;   // Index into mergedOffers_, or -1.
  };
  std::vector<OfferOut> offers_;
  std::vector<double> offerArena_;
  std::vector<Pooled> mergedOffers_;
  void offerResources(const OfferOut& offer, Pooled& out) const;
  std::vector<std::uint32_t> outputOrder_;  // offers_ indices in (framework, role, agent) order.
  // The offers of framework f are outputOrder_[frameworkStart_[f] .. frameworkStart_[f + 1]).
  std::vector<std::uint32_t> frameworkStart_;
  std::vector<std::uint32_t> scratchPositions_;
  Decisions decisions_;
};

}  // namespace mesos::drf
