// Resource bundles of the allocator core, in the numbers of docs/allocator.md section 1.
//
// A Bundle holds one agent's (or one offer's) resources of one pool:
// - scalars: int64 milli-units in a dense vector indexed by the scalar names the facade interned
//   (cpus, mem, disk, gpus, ...); a missing component is 0, so vectors of different lengths mix;
// - ranges: every range name's closed intervals in one flat vector of (name, begin, end), sorted by
//   (name, begin), disjoint and coalesced within a name ([1-2] and [3-4] are stored as [1-4]);
// - set items: every set name's items in one flat vector of (name, item), sorted and unique.
//
// Flat vectors keep a bundle three heap blocks at most, make copies into an existing bundle
// reuse its capacity (the allocator's hot loop copies into scratch bundles and never allocates
// once they have grown), and turn union, difference and containment into linear merges.
//
// A Pooled bundle splits an agent's resources by reservation: pool -1 (kUnreserved) holds the
// unreserved resources and pool r those whose reservation stack ends in role r. Its pools are
// sorted ascending and none is empty, so "empty" is `pools.empty()` and equality is elementwise.
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <utility>
#include <vector>

#include "drf/small_vector.h"

namespace mesos::drf {

inline constexpr std::int32_t kUnreserved = -1;

// Dense scalars: amount k at index k. A small vector with room for kInline amounts in place, so
// that the common bundle (cpus, mem, disk, gpus and a custom scalar or two) costs no heap block
// and no pointer chase: the allocator touches one bundle per agent per visit, in random agent
// order, and a cache miss per indirection is what a cycle over 50,000 agents pays for.
class Scalars {
 public:
  static constexpr std::size_t kInline = 6;

  Scalars() = default;
  Scalars(std::initializer_list<std::int64_t> values) {
    for (std::int64_t v : values) push_back(v);
  }
  Scalars(const Scalars& other) { *this = other; }
  Scalars(Scalars&& other) noexcept { *this = std::move(other); }
  ~Scalars() { delete[] heap_; }
  Scalars& operator=(const Scalars& other) {
    if (this != &other) {
      reserve(other.size_);
      std::copy(other.data(), other.data() + other.size_, data());
      size_ = other.size_;
    }
    return *this;
  }
  Scalars& operator=(Scalars&& other) noexcept {
    if (this == &other) return *this;
    if (other.heap_ != nullptr) {
      delete[] heap_;
      heap_ = other.heap_;
      capacity_ = other.capacity_;
      size_ = other.size_;
      other.heap_ = nullptr;
      other.capacity_ = kInline;
      other.size_ = 0;
    } else {
      *this = static_cast<const Scalars&>(other);
    }
    return *this;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::int64_t* data() { return heap_ != nullptr ? heap_ : inline_; }
  const std::int64_t* data() const { return heap_ != nullptr ? heap_ : inline_; }
  std::int64_t& operator[](std::size_t k) { return data()[k]; }
  std::int64_t operator[](std::size_t k) const { return data()[k]; }
  std::int64_t* begin() { return data(); }
  std::int64_t* end() { return data() + size_; }
  const std::int64_t* begin() const { return data(); }
  const std::int64_t* end() const { return data() + size_; }
  std::int64_t& back() { return data()[size_ - 1]; }
  std::int64_t back() const { return data()[size_ - 1]; }

  void clear() { size_ = 0; }
  void pop_back() { --size_; }
  void push_back(std::int64_t v) {
    reserve(size_ + 1);
    data()[size_++] = v;
  }
  void resize(std::size_t n, std::int64_t fill = 0) {
    reserve(n);
    for (std::size_t k = size_; k < n; ++k) data()[k] = fill;
    size_ = static_cast<std::uint32_t>(n);
  }
  void assign(std::size_t n, std::int64_t fill) {
    clear();
    resize(n, fill);
  }
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    std::size_t capacity = capacity_ * 2;
    while (capacity < n) capacity *= 2;
    std::int64_t* heap = new std::int64_t[capacity];
    std::copy(data(), data() + size_, heap);
    delete[] heap_;
    heap_ = heap;
    capacity_ = static_cast<std::uint32_t>(capacity);
  }

 private:
  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = kInline;
  std::int64_t* heap_ = nullptr;  // Owned; nullptr while the amounts fit in inline_.
  std::int64_t inline_[kInline];
};

// The amount of scalar k, 0 past the end.
inline std::int64_t scalarAt(const Scalars& s, std::size_t k) { return k < s.size() ? s[k] : 0; }

// a += b, growing a as needed.
void addScalars(Scalars& a, const Scalars& b);
// a -= b. Precondition: a >= b component by component (callers check with containsScalars).
void subtractScalars(Scalars& a, const Scalars& b);
// Whether every component of a is >= the one of b.
bool containsScalars(const Scalars& a, const Scalars& b);
bool scalarsZero(const Scalars& s);
// Equality treating missing components as 0.
bool scalarsEqual(const Scalars& a, const Scalars& b);

struct RangeEntry {
  std::uint32_t name;
  std::int64_t begin;
  std::int64_t end;  // Invariant: begin <= end.
  friend bool operator==(const RangeEntry&, const RangeEntry&) = default;
};

struct SetItem {
  std::uint32_t name;
  std::uint32_t item;
  friend bool operator==(const SetItem&, const SetItem&) = default;
};

// One interval in place covers the usual single port range.
using Ranges = SmallVector<RangeEntry, 1>;

struct Bundle {
  Scalars scalars;
  // Invariant: sorted by (name, begin); within a name, for consecutive entries x, y:
  // x.end + 1 < y.begin (disjoint and not adjacent, i.e. coalesced).
  Ranges ranges;
  // Invariant: sorted by (name, item), no duplicates.
  std::vector<SetItem> items;

  bool empty() const { return ranges.empty() && items.empty() && scalarsZero(scalars); }
  bool hasNonScalars() const { return !ranges.empty() || !items.empty(); }
  // Empties the bundle, keeping its capacity.
  void clear() {
    scalars.clear();
    ranges.clear();
    items.clear();
  }
};

// a += b: scalars add, ranges and sets unite.
void addBundle(Bundle& a, const Bundle& b);
// a -= b. Precondition: containsBundle(a, b).
void subtractBundle(Bundle& a, const Bundle& b);
// a ⊇ b: every scalar of a is >= b's and a's ranges and sets contain b's.
bool containsBundle(const Bundle& a, const Bundle& b);
bool bundlesEqual(const Bundle& a, const Bundle& b);

// Sorts and coalesces `ranges` in place (any order, overlaps and adjacency allowed on input).
void normalizeRanges(Ranges& ranges);
// Sorts and de-duplicates `items` in place.
void normalizeItems(std::vector<SetItem>& items);

struct PoolBundle {
  std::int32_t pool;  // kUnreserved or a role index.
  Bundle bundle;      // Invariant: not empty (inside a Pooled).
};

struct Pooled {
  // Invariant: sorted by pool, pools unique, no empty bundle. Most agents have one pool, which
  // stays in place.
  SmallVector<PoolBundle, 1> pools;

  bool empty() const { return pools.empty(); }
  // The bundle of `pool`, or nullptr when it holds nothing.
  const Bundle* find(std::int32_t pool) const;
  Bundle* find(std::int32_t pool);
  // The bundle of `pool`, inserted empty where missing. The caller must restore the no-empty
  // invariant (dropEmptyPools) if it leaves the bundle empty.
  Bundle& at(std::int32_t pool);
  void dropEmptyPools();
  // Empties the pooled bundle, keeping the capacity of its first pool's bundle for reuse.
  void clear() { pools.clear(); }
};

// The scalars of every pool summed into `out` (which is overwritten).
void pooledScalars(const Pooled& p, Scalars& out);
bool pooledHasGpu(const Pooled& p, std::int64_t gpuScalar);

void addPooled(Pooled& a, const Pooled& b);
// a -= b. Precondition: containsPooled(a, b).
void subtractPooled(Pooled& a, const Pooled& b);
// a ⊇ b pool by pool (a pool missing from a is empty).
bool containsPooled(const Pooled& a, const Pooled& b);
bool pooledEqual(const Pooled& a, const Pooled& b);
// A hash of the contents, equal for equal bundles (trailing zero scalars do not count).
std::uint64_t pooledHash(const Pooled& p);

// Appends `p` in the protocol's pooled encoding (lib/allocator/protocol.ts), in the canonical
// form both cores write: pools ascending, scalars by ascending index without zeros, range and set
// names ascending, intervals and items ascending.
void encodePooled(const Pooled& p, std::vector<double>& out);
// Reads back what encodePooled wrote, from data[pos]; advances pos. The input is trusted.
void decodePooled(const double* data, std::size_t& pos, Pooled& out);

}  // namespace mesos::drf
