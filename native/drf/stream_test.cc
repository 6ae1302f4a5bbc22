// Decoding event batches (lib/allocator/protocol.ts): every op reads back what EventWriter wrote,
// inputs are normalized, and malformed batches are rejected with their position.
#include "drf/stream.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "drf/event_writer.h"
#include "test/check.h"

using namespace mesos::drf;
using mesos::Try;

namespace {

Try<std::vector<Event>> decode(const EventWriter& w) { return decodeBatch(w.data, w.strings); }

std::string errorOf(const EventWriter& w) {
  Try<std::vector<Event>> decoded = decode(w);
  return decoded.isError() ? decoded.error().message : "(decoded)";
}

}  // namespace

TEST(every_op_reads_back) {
  EventWriter w;
  w.configure(7, 3, {3, 1}, {{{0, 10}}, {{1, 32000}}}, kSorterDrf, kSorterRandom)
      .addRole(0, "a", -1)
      .addRole(1, "a/b", 0)
      .setWeight(1, 2.5)
      .setQuota(0, {{0, 1000}}, {{1, 5000}})
      .addAgent(4, {{-1, {{{0, 2000}}, {{0, {{31000, 31010}}}}, {}}}, {0, {{{0, 1000}}, {}, {}}}}, true)
      .updateAgent(4, {{-1, {{{0, 3000}}, {}, {}}}})
      .removeAgent(4)
      .activateAgent(5)
      .deactivateAgent(6)
      .addFramework(2, "fw-2", {1, 0, 1}, true, false, {0})
      .updateFramework(2, {0}, {})
      .removeFramework(2)
      .activateFramework(3)
      .deactivateFramework(3)
      .suppress(3, {})
      .revive(3, {0})
      .setMinAllocatable(3, 0, {{{0, 5}}})
      .addAllocation(3, 4, 0, {{-1, {{{0, 1000}}, {}, {}}}})
      .recover(3, 4, 0, {{-1, {{{0, 1000}}, {}, {}}}}, 1234.5);
  const std::size_t convertAt = w.data.size();
  w.convert(3, 4, 0, {{-1, {{{0, 1000}}, {}, {}}}}, {{0, {{{0, 1000}}, {}, {}}}});
  Try<std::vector<Event>> decoded = decode(w);
  REQUIRE_OK(decoded);
  const std::vector<Event>& e = decoded.get();
  REQUIRE_EQ(e.size(), 21);
  CHECK_EQ(e[0].seed, 7u);
  CHECK_EQ(e[0].gpuScalar, 3);
  CHECK((e[0].excluded == std::vector<std::uint32_t>{3, 1}));
  CHECK_EQ(e[0].groups.size(), 2);
  CHECK_EQ(e[0].frameworkSorter, kSorterRandom);
  CHECK_EQ(e[1].name, "a");
  CHECK_EQ(e[2].parent, 0);
  CHECK_EQ(e[3].weight, 2.5);
  // A limit lists only limited scalars; the others are kUnlimited.
  CHECK_EQ(scalarAt(e[4].guarantee, 0), 1000);
  CHECK_EQ(e[4].limit[0], kUnlimited);
  CHECK_EQ(e[4].limit[1], 5000);
  CHECK(e[5].flag);
  CHECK_EQ(e[5].resources.pools.size(), 2);
  CHECK_EQ(e[5].resources.pools[0].pool, kUnreserved);
  CHECK_EQ(e[5].resources.pools[0].bundle.ranges.size(), 1);
  CHECK_EQ(e[10].name, "fw-2");
  CHECK((e[10].roles == std::vector<std::uint32_t>{0, 1}));  // Sorted, without the duplicate.
  CHECK((e[10].suppressed == std::vector<std::uint32_t>{0}));
  CHECK(e[10].flag);
  CHECK(!e[10].active);
  CHECK(e[15].roles.empty());
  CHECK_EQ(e[19].expiry, 1234.5);
  CHECK_EQ(e[20].to.pools[0].pool, 0);
  CHECK_EQ(e[20].offset, convertAt);
}

TEST(inputs_are_normalized_as_they_are_read) {
  EventWriter w;
  // Ranges out of order and touching, items repeated, a scalar given twice (summed), a zero
  // scalar, an empty pool, and a pool given twice (merged: 5 + 9).
  w.addAgent(0,
             {{2, {{{0, 5}}, {}, {}}},
              {-1, {{{0, 1000}, {1, 0}, {0, 500}}, {{0, {{5, 6}, {1, 2}, {3, 3}}}}, {{0, {3, 1, 3}}}}},
              {7, {}},
              {2, {{{0, 9}}, {}, {}}}},
             true);
  Try<std::vector<Event>> decoded = decode(w);
  REQUIRE_OK(decoded);
  const Pooled& p = decoded.get()[0].resources;
  REQUIRE_EQ(p.pools.size(), 2);  // Pool 7 was empty.
  const Bundle& u = p.pools[0].bundle;
  CHECK_EQ(u.scalars.size(), 1);  // The trailing zero is gone.
  CHECK_EQ(u.scalars[0], 1500);
  REQUIRE_EQ(u.ranges.size(), 2);
  CHECK_EQ(u.ranges[0].begin, 1);
  CHECK_EQ(u.ranges[0].end, 3);
  CHECK_EQ(u.items.size(), 2);
  CHECK_EQ(p.pools[1].pool, 2);
  CHECK_EQ(p.pools[1].bundle.scalars[0], 14);
}

TEST(malformed_batches_are_rejected_with_their_position) {
  {
    EventWriter w;
    w.addRole(0, "a", -1);
    w.data.pop_back();  // Truncated.
    CHECK_CONTAINS(errorOf(w), "stream ends early at 3");
    CHECK_CONTAINS(errorOf(w), "at 0 (event 0, ADD_ROLE)");
  }
  {
    EventWriter w;
    w.removeAgent(1).raw({7, 1.5});  // A non-integral index.
    CHECK_CONTAINS(errorOf(w), "at 2 (event 1, REMOVE_AGENT): agent: 1.5 is not a valid index");
  }
  {
    EventWriter w;
    w.addAllocation(0, 0, 0, {{-1, {{{0, -5}}, {}, {}}}});  // A negative amount.
    CHECK_CONTAINS(errorOf(w), "allocation amount: -5 is not a non-negative amount");
  }
  {
    EventWriter w;
    w.addAgent(0, {{-1, {{}, {{0, {{10, 9}}}}, {}}}}, true);  // A range ending before it begins.
    CHECK_CONTAINS(errorOf(w), "range [10-9] ends before it begins");
  }
  {
    EventWriter w;
    w.recover(0, 0, 0, {}, std::numeric_limits<double>::quiet_NaN());  // A non-finite number.
    CHECK_CONTAINS(errorOf(w), "expiry: NaN is not a finite number");
  }
  {
    EventWriter w;
    w.setWeight(0, 0);
    CHECK_CONTAINS(errorOf(w), "weight: 0 is not > 0");
  }
  {
    EventWriter w;
    w.raw({42});
    CHECK_CONTAINS(errorOf(w), "unknown opcode 42");
  }
  {
    EventWriter w;
    w.addRole(0, "a", -1);
    w.strings.clear();  // The name refers to a missing string.
    CHECK_CONTAINS(errorOf(w), "role name: string 0 is missing");
  }
  {
    EventWriter w;
    w.setQuota(0, {{5000, 1}}, {});  // A scalar index beyond the native limit.
    CHECK_CONTAINS(errorOf(w), "beyond the native core's limit");
  }
  {
    EventWriter w;
    w.addAgent(0, {}, true);
    w.data[2] = 2;  // activated must be 0 or 1.
    CHECK_CONTAINS(errorOf(w), "activated: 2 is not 0 or 1");
  }
  {
    EventWriter w;
    w.configure(0, -1, {}, {}, 2, 0);
    CHECK_CONTAINS(errorOf(w), "sorter kind 2");
  }
  {
    EventWriter w;
    w.addRole(0, "a", -1);
    w.data.push_back(std::numeric_limits<double>::infinity());
    CHECK_CONTAINS(errorOf(w), "opcode: Infinity is not a valid index");
  }
}
