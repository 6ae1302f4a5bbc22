#include "drf/bundle.h"

#include <algorithm>
#include <cassert>
#include <tuple>

namespace mesos::drf {

namespace {

bool rangeLess(const RangeEntry& x, const RangeEntry& y) {
  return std::tie(x.name, x.begin, x.end) < std::tie(y.name, y.begin, y.end);
}

bool itemLess(const SetItem& x, const SetItem& y) {
  return std::tie(x.name, x.item) < std::tie(y.name, y.item);
}

// Appends e to out, merging it into the last entry when they overlap or touch. Entries must
// arrive sorted by (name, begin).
void pushCoalesced(std::vector<RangeEntry>& out, const RangeEntry& e) {
  if (!out.empty()) {
    RangeEntry& last = out.back();
    // Bounds are below 2^53, so last.end + 1 cannot overflow.
    if (last.name == e.name && e.begin <= last.end + 1) {
      last.end = std::max(last.end, e.end);
      return;
    }
  }
  out.push_back(e);
}

// Scratch space for merges: the result is built here and copied back, so the destination keeps
// (and reuses) its own capacity. One per thread, as the addon may run allocators on workers.
std::vector<RangeEntry>& rangeScratch() {
  thread_local std::vector<RangeEntry> scratch;
  scratch.clear();
  return scratch;
}

std::vector<SetItem>& itemScratch() {
  thread_local std::vector<SetItem> scratch;
  scratch.clear();
  return scratch;
}

void uniteRanges(Ranges& a, const Ranges& b) {
  if (b.empty()) return;
  if (a.empty()) {
    a = b;
    return;
  }
  std::vector<RangeEntry>& out = rangeScratch();
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    const bool takeA = j == b.size() || (i < a.size() && !rangeLess(b[j], a[i]));
    pushCoalesced(out, takeA ? a[i++] : b[j++]);
  }
  a.assign(out.begin(), out.end());
}

void subtractRanges(Ranges& a, const Ranges& b) {
  if (b.empty() || a.empty()) return;
  std::vector<RangeEntry>& out = rangeScratch();
  std::size_t j = 0;
  for (const RangeEntry& x : a) {
    std::int64_t lo = x.begin;
    const std::int64_t hi = x.end;
    while (j < b.size() && (b[j].name < x.name || (b[j].name == x.name && b[j].end < lo))) ++j;
    // Cut every interval of b that overlaps [lo, hi] out of it, left to right.
    while (lo <= hi && j < b.size() && b[j].name == x.name && b[j].begin <= hi) {
      if (b[j].begin > lo) out.push_back({x.name, lo, b[j].begin - 1});
      lo = std::max(lo, b[j].end + 1);
      if (b[j].end > hi) break;  // It also overlaps the next interval of a.
      ++j;
    }
    if (lo <= hi) out.push_back({x.name, lo, hi});
  }
  a.assign(out.begin(), out.end());
}

bool containsRanges(const Ranges& a, const Ranges& b) {
  // a is coalesced, so each interval of b must lie inside a single interval of a.
  std::size_t i = 0;
  for (const RangeEntry& y : b) {
    while (i < a.size() && (a[i].name < y.name || (a[i].name == y.name && a[i].end < y.begin))) ++i;
    if (i == a.size() || a[i].name != y.name || a[i].begin > y.begin || a[i].end < y.end) {
      return false;
    }
  }
  return true;
}

void uniteItems(std::vector<SetItem>& a, const std::vector<SetItem>& b) {
  if (b.empty()) return;
  if (a.empty()) {
    a = b;
    return;
  }
  std::vector<SetItem>& out = itemScratch();
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out), itemLess);
  a = out;
}

void subtractItems(std::vector<SetItem>& a, const std::vector<SetItem>& b) {
  if (b.empty() || a.empty()) return;
  std::vector<SetItem>& out = itemScratch();
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out), itemLess);
  a = out;
}

bool containsItems(const std::vector<SetItem>& a, const std::vector<SetItem>& b) {
  return std::includes(a.begin(), a.end(), b.begin(), b.end(), itemLess);
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  // splitmix64's finalizer over a running combination: cheap and well spread.
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  h ^= h >> 31;
  return h;
}

}  // namespace

void addScalars(Scalars& a, const Scalars& b) {
  if (b.size() > a.size()) a.resize(b.size(), 0);
  for (std::size_t k = 0; k < b.size(); ++k) a[k] += b[k];
}

void subtractScalars(Scalars& a, const Scalars& b) {
  for (std::size_t k = 0; k < b.size(); ++k) {
    if (b[k] == 0) continue;
    assert(k < a.size() && a[k] >= b[k]);
    a[k] -= b[k];
  }
}

bool containsScalars(const Scalars& a, const Scalars& b) {
  for (std::size_t k = 0; k < b.size(); ++k) {
    if (scalarAt(a, k) < b[k]) return false;
  }
  return true;
}

bool scalarsZero(const Scalars& s) {
  for (std::int64_t v : s) {
    if (v != 0) return false;
  }
  return true;
}

bool scalarsEqual(const Scalars& a, const Scalars& b) {
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t k = 0; k < n; ++k) {
    if (scalarAt(a, k) != scalarAt(b, k)) return false;
  }
  return true;
}

void addBundle(Bundle& a, const Bundle& b) {
  addScalars(a.scalars, b.scalars);
  uniteRanges(a.ranges, b.ranges);
  uniteItems(a.items, b.items);
}

void subtractBundle(Bundle& a, const Bundle& b) {
  subtractScalars(a.scalars, b.scalars);
  subtractRanges(a.ranges, b.ranges);
  subtractItems(a.items, b.items);
}

bool containsBundle(const Bundle& a, const Bundle& b) {
  return containsScalars(a.scalars, b.scalars) && containsRanges(a.ranges, b.ranges) &&
         containsItems(a.items, b.items);
}

bool bundlesEqual(const Bundle& a, const Bundle& b) {
  return scalarsEqual(a.scalars, b.scalars) && a.ranges == b.ranges && a.items == b.items;
}

void normalizeRanges(Ranges& ranges) {
  if (ranges.size() < 2) return;
  std::sort(ranges.begin(), ranges.end(), rangeLess);
  std::vector<RangeEntry>& out = rangeScratch();
  for (const RangeEntry& e : ranges) pushCoalesced(out, e);
  ranges.assign(out.begin(), out.end());
}

void normalizeItems(std::vector<SetItem>& items) {
  std::sort(items.begin(), items.end(), itemLess);
  items.erase(std::unique(items.begin(), items.end()), items.end());
}

const Bundle* Pooled::find(std::int32_t pool) const {
  for (const PoolBundle& p : pools) {
    if (p.pool == pool) return &p.bundle;
    if (p.pool > pool) break;
  }
  return nullptr;
}

Bundle* Pooled::find(std::int32_t pool) {
  return const_cast<Bundle*>(static_cast<const Pooled*>(this)->find(pool));
}

Bundle& Pooled::at(std::int32_t pool) {
  auto it = pools.begin();
  while (it != pools.end() && it->pool < pool) ++it;
  if (it != pools.end() && it->pool == pool) return it->bundle;
  return pools.insert(it, PoolBundle{pool, Bundle{}})->bundle;
}

void Pooled::dropEmptyPools() {
  pools.erase(std::remove_if(pools.begin(), pools.end(),
                             [](const PoolBundle& p) { return p.bundle.empty(); }),
              pools.end());
}

void pooledScalars(const Pooled& p, Scalars& out) {
  out.clear();
  for (const PoolBundle& pb : p.pools) addScalars(out, pb.bundle.scalars);
}

bool pooledHasGpu(const Pooled& p, std::int64_t gpuScalar) {
  if (gpuScalar < 0) return false;
  for (const PoolBundle& pb : p.pools) {
    if (scalarAt(pb.bundle.scalars, static_cast<std::size_t>(gpuScalar)) > 0) return true;
  }
  return false;
}

void addPooled(Pooled& a, const Pooled& b) {
  for (const PoolBundle& pb : b.pools) {
    if (pb.bundle.empty()) continue;
    addBundle(a.at(pb.pool), pb.bundle);
  }
}

void subtractPooled(Pooled& a, const Pooled& b) {
  bool emptied = false;
  for (const PoolBundle& pb : b.pools) {
    Bundle* from = a.find(pb.pool);
    if (from == nullptr) {
      assert(pb.bundle.empty());
      continue;
    }
    subtractBundle(*from, pb.bundle);
    emptied = emptied || from->empty();
  }
  if (emptied) a.dropEmptyPools();
}

bool containsPooled(const Pooled& a, const Pooled& b) {
  for (const PoolBundle& pb : b.pools) {
    const Bundle* outer = a.find(pb.pool);
    if (outer == nullptr) {
      if (!pb.bundle.empty()) return false;
      continue;
    }
    if (!containsBundle(*outer, pb.bundle)) return false;
  }
  return true;
}

bool pooledEqual(const Pooled& a, const Pooled& b) {
  if (a.pools.size() != b.pools.size()) return false;
  for (std::size_t i = 0; i < a.pools.size(); ++i) {
    if (a.pools[i].pool != b.pools[i].pool) return false;
    if (!bundlesEqual(a.pools[i].bundle, b.pools[i].bundle)) return false;
  }
  return true;
}

std::uint64_t pooledHash(const Pooled& p) {
  std::uint64_t h = 0x243F6A8885A308D3ull;
  for (const PoolBundle& pb : p.pools) {
    h = mix(h, static_cast<std::uint64_t>(static_cast<std::int64_t>(pb.pool)));
    const Scalars& s = pb.bundle.scalars;
    for (std::size_t k = 0; k < s.size(); ++k) {
      if (s[k] != 0) h = mix(mix(h, k), static_cast<std::uint64_t>(s[k]));
    }
    h = mix(h, 0xA5A5);
    for (const RangeEntry& r : pb.bundle.ranges) {
      h = mix(mix(mix(h, r.name), static_cast<std::uint64_t>(r.begin)), static_cast<std::uint64_t>(r.end));
    }
    h = mix(h, 0x5A5A);
    for (const SetItem& item : pb.bundle.items) h = mix(mix(h, item.name), item.item);
  }
  return h;
}

void encodePooled(const Pooled& p, std::vector<double>& out) {
  // Size everything first, then write through a pointer: this runs once per offer.
  std::size_t size = 1;
  for (const PoolBundle& pb : p.pools) {
    const Bundle& b = pb.bundle;
    size += 2;  // pool, nScalars
    for (std::int64_t v : b.scalars) size += v != 0 ? 2 : 0;
    size += 1 + b.ranges.size() * 2;  // nRanges, (begin, end)*
    for (std::size_t i = 0; i < b.ranges.size(); ++i) {
      if (i == 0 || b.ranges[i].name != b.ranges[i - 1].name) size += 2;  // name, nIntervals
    }
    size += 1 + b.items.size();  // nSets, item*
    for (std::size_t i = 0; i < b.items.size(); ++i) {
      if (i == 0 || b.items[i].name != b.items[i - 1].name) size += 2;  // name, nItems
    }
  }
  const std::size_t at = out.size();
  out.resize(at + size);
  double* w = out.data() + at;
  *w++ = static_cast<double>(p.pools.size());
  for (const PoolBundle& pb : p.pools) {
    const Bundle& b = pb.bundle;
    *w++ = pb.pool;
    double* nScalars = w++;
    std::size_t scalars = 0;
    for (std::size_t k = 0; k < b.scalars.size(); ++k) {
      if (b.scalars[k] == 0) continue;
      *w++ = static_cast<double>(k);
      *w++ = static_cast<double>(b.scalars[k]);
      ++scalars;
    }
    *nScalars = static_cast<double>(scalars);
    // Ranges: one group per name, [name, nIntervals, (begin, end)*].
    double* nRanges = w++;
    std::size_t names = 0;
    for (std::size_t i = 0; i < b.ranges.size();) {
      std::size_t j = i;
      while (j < b.ranges.size() && b.ranges[j].name == b.ranges[i].name) ++j;
      *w++ = b.ranges[i].name;
      *w++ = static_cast<double>(j - i);
      for (std::size_t x = i; x < j; ++x) {
        *w++ = static_cast<double>(b.ranges[x].begin);
        *w++ = static_cast<double>(b.ranges[x].end);
      }
      ++names;
      i = j;
    }
    *nRanges = static_cast<double>(names);
    double* nSets = w++;
    names = 0;
    for (std::size_t i = 0; i < b.items.size();) {
      std::size_t j = i;
      while (j < b.items.size() && b.items[j].name == b.items[i].name) ++j;
      *w++ = b.items[i].name;
      *w++ = static_cast<double>(j - i);
      for (std::size_t x = i; x < j; ++x) *w++ = b.items[x].item;
      ++names;
      i = j;
    }
    *nSets = static_cast<double>(names);
  }
  assert(w == out.data() + out.size());
}

void decodePooled(const double* data, std::size_t& pos, Pooled& out) {
  const auto next = [&] { return data[pos++]; };
  out.clear();
  const std::size_t pools = static_cast<std::size_t>(next());
  for (std::size_t p = 0; p < pools; ++p) {
    PoolBundle& pb = out.pools.emplace_back();
    pb.pool = static_cast<std::int32_t>(next());
    Bundle& b = pb.bundle;
    const std::size_t scalars = static_cast<std::size_t>(next());
    for (std::size_t i = 0; i < scalars; ++i) {
      const std::size_t k = static_cast<std::size_t>(next());
      if (k >= b.scalars.size()) b.scalars.resize(k + 1, 0);
      b.scalars[k] = static_cast<std::int64_t>(next());
    }
    const std::size_t rangeNames = static_cast<std::size_t>(next());
    for (std::size_t i = 0; i < rangeNames; ++i) {
      const std::uint32_t name = static_cast<std::uint32_t>(next());
      const std::size_t n = static_cast<std::size_t>(next());
      for (std::size_t j = 0; j < n; ++j) {
        const std::int64_t begin = static_cast<std::int64_t>(next());
        b.ranges.push_back({name, begin, static_cast<std::int64_t>(next())});
      }
    }
    const std::size_t setNames = static_cast<std::size_t>(next());
    for (std::size_t i = 0; i < setNames; ++i) {
      const std::uint32_t name = static_cast<std::uint32_t>(next());
      const std::size_t n = static_cast<std::size_t>(next());
      for (std::size_t j = 0; j < n; ++j) b.items.push_back({name, static_cast<std::uint32_t>(next())});
    }
  }
}

}  // namespace mesos::drf
