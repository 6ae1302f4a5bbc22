// Bundles: scalars, ranges and sets, pooled by reservation (docs/allocator.md section 1).
#include "drf/bundle.h"

#include <string>
#include <vector>

#include "test/check.h"

using namespace mesos::drf;

namespace {

constexpr std::uint32_t kPorts = 0;
constexpr std::uint32_t kZones = 1;

Bundle bundle(Scalars scalars, std::vector<RangeEntry> ranges = {}, std::vector<SetItem> items = {}) {
  Bundle b;
  b.scalars = scalars;
  b.ranges.assign(ranges.begin(), ranges.end());
  b.items = items;
  normalizeRanges(b.ranges);
  normalizeItems(b.items);
  return b;
}

std::string show(const Ranges& ranges) {
  std::string out;
  for (const RangeEntry& r : ranges) {
    out += std::to_string(r.name) + ":[" + std::to_string(r.begin) + "-" + std::to_string(r.end) + "] ";
  }
  return out;
}

}  // namespace

TEST(ranges_are_sorted_and_coalesced_on_normalization) {
  // [5-6], [1-2], [3-3] touch into [1-3] and stay apart from [5-6]; another name stays apart.
  Ranges r;
  for (RangeEntry e : {RangeEntry{kPorts, 5, 6}, RangeEntry{kPorts, 1, 2}, RangeEntry{kPorts, 3, 3},
                       RangeEntry{kZones, 4, 4}}) {
    r.push_back(e);
  }
  normalizeRanges(r);
  CHECK_EQ(show(r), "0:[1-3] 0:[5-6] 1:[4-4] ");
}

TEST(range_union_difference_and_containment) {
  Bundle a = bundle({}, {{kPorts, 31000, 31010}});
  const Bundle b = bundle({}, {{kPorts, 31011, 31020}, {kPorts, 40000, 40000}});
  addBundle(a, b);
  CHECK_EQ(show(a.ranges), "0:[31000-31020] 0:[40000-40000] ");
  const Bundle middle = bundle({}, {{kPorts, 31005, 31006}});
  CHECK(containsBundle(a, middle));
  subtractBundle(a, middle);
  CHECK_EQ(show(a.ranges), "0:[31000-31004] 0:[31007-31020] 0:[40000-40000] ");
  // [31004-31007] straddles the hole, so it is not contained.
  CHECK(!containsBundle(a, bundle({}, {{kPorts, 31004, 31007}})));
  CHECK(!containsBundle(a, bundle({}, {{kZones, 31000, 31000}})));
  subtractBundle(a, a);
  CHECK(a.empty());
}

TEST(set_items_unite_and_subtract) {
  Bundle a = bundle({}, {}, {{kZones, 3}, {kZones, 1}, {kZones, 3}});
  CHECK_EQ(a.items.size(), 2);
  addBundle(a, bundle({}, {}, {{kZones, 2}}));
  CHECK(containsBundle(a, bundle({}, {}, {{kZones, 1}, {kZones, 2}})));
  CHECK(!containsBundle(a, bundle({}, {}, {{kZones, 4}})));
  subtractBundle(a, bundle({}, {}, {{kZones, 1}, {kZones, 3}}));
  CHECK(bundlesEqual(a, bundle({}, {}, {{kZones, 2}})));
}

TEST(scalars_compare_with_missing_components_as_zero) {
  // cpus:2, mem:1 contains cpus:1 but not gpus:1 (index 3, past its end).
  const Scalars have{2000, 1000};
  CHECK(containsScalars(have, Scalars{1000}));
  CHECK(!containsScalars(have, Scalars{0, 0, 0, 1000}));
  CHECK(scalarsEqual(Scalars{1, 0, 0}, Scalars{1}));
  CHECK(scalarsZero(Scalars{0, 0}));
  Scalars grow{1};
  addScalars(grow, Scalars{0, 0, 0, 0, 0, 0, 0, 9});  // Past the inline capacity of 6.
  CHECK_EQ(grow.size(), 8);
  CHECK_EQ(grow[7], 9);
  Scalars moved = std::move(grow);
  CHECK_EQ(moved[0], 1);
  CHECK_EQ(scalarAt(moved, 100), 0);
}

TEST(pooled_containment_is_pool_by_pool) {
  // 2 cpus unreserved and 1 reserved to role 4 do not contain 2 cpus reserved to role 4.
  Pooled have;
  have.at(kUnreserved) = bundle({2000});
  have.at(4) = bundle({1000});
  Pooled want;
  want.at(4) = bundle({2000});
  CHECK(!containsPooled(have, want));
  want.at(4) = bundle({1000});
  CHECK(containsPooled(have, want));
  subtractPooled(have, want);
  CHECK_EQ(have.pools.size(), 1);  // The emptied pool is dropped.
  CHECK_EQ(have.pools[0].pool, kUnreserved);
}

TEST(encoding_is_canonical_and_reads_back) {
  // Pools ascending (-1 first), zero scalars left out, ranges and sets by name.
  Pooled p;
  p.at(2) = bundle({0, 500}, {}, {{kZones, 7}});
  p.at(kUnreserved) = bundle({1000, 0, 3}, {{kPorts, 31000, 31001}});
  std::vector<double> out;
  encodePooled(p, out);
  const std::vector<double> expected{2,
                                     -1, 2, 0, 1000, 2, 3, 1, kPorts, 1, 31000, 31001, 0,
                                     2, 1, 1, 500, 0, 1, kZones, 1, 7};
  CHECK(out == expected);
  Pooled back;
  std::size_t pos = 0;
  decodePooled(out.data(), pos, back);
  CHECK_EQ(pos, out.size());
  CHECK(pooledEqual(back, p));
  CHECK_EQ(pooledHash(back), pooledHash(p));
}

TEST(small_vector_keeps_one_element_in_place_and_grows) {
  SmallVector<std::string, 1> v;
  v.push_back("a");
  v.push_back("b");
  v.push_back("c");
  v.insert(v.begin() + 1, "x");
  CHECK_EQ(v.size(), 4);
  CHECK_EQ(v[1], "x");
  v.erase(v.begin());
  CHECK_EQ(v[0], "x");
  SmallVector<std::string, 1> copy = v;
  v.clear();
  CHECK_EQ(copy.size(), 3);
  CHECK_EQ(copy.back(), "c");
  SmallVector<std::string, 1> moved = std::move(copy);
  CHECK_EQ(moved.size(), 3);
  CHECK(copy.empty());
}
