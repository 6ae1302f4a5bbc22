#include "drf/quantities.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "test/check.h"

using mesos::drf::dominantShare;
using mesos::drf::NameId;
using mesos::drf::Quantities;
using mesos::drf::toFixed;
using mesos::drf::toValue;

namespace {

// Name ids as the facade would intern them in these tests.
constexpr NameId kCpus = 0;
constexpr NameId kMem = 1;
constexpr NameId kDisk = 2;
constexpr NameId kGpus = 3;

Quantities of(std::vector<double> values) {
  Quantities quantities;
  const auto bad = quantities.assignValues(values);
  if (bad) throw std::invalid_argument("test values must be valid");
  return quantities;
}

}  // namespace

TEST(to_fixed_scales_by_a_thousand_and_rounds_to_nearest) {
  CHECK_EQ(toFixed(1.5).value(), 1500);
  CHECK_EQ(toFixed(0.0).value(), 0);
  CHECK_EQ(toFixed(-0.0).value(), 0);
  // 0.0004 * 1000 = 0.4 rounds down to 0; 0.0016 * 1000 = 1.6 rounds up to 2.
  CHECK_EQ(toFixed(0.0004).value(), 0);
  CHECK_EQ(toFixed(0.0016).value(), 2);
  CHECK_EQ(toFixed(0.0014).value(), 1);
  // 1024.7 MB of memory is 1024700 thousandths.
  CHECK_EQ(toFixed(1024.7).value(), 1024700);
  CHECK_EQ(toValue(1500), 1.5);
}

TEST(to_fixed_makes_decimal_sums_exact) {
  // In doubles 0.1 + 0.2 != 0.3; in thousandths 100 + 200 == 300.
  CHECK(0.1 + 0.2 != 0.3);
  CHECK_EQ(toFixed(0.1).value() + toFixed(0.2).value(), toFixed(0.3).value());
}

TEST(to_fixed_rejects_what_cannot_be_a_quantity) {
  CHECK(!toFixed(-1.0).has_value());
  CHECK(!toFixed(-0.001).has_value());
  CHECK(!toFixed(std::nan("")).has_value());
  CHECK(!toFixed(std::numeric_limits<double>::infinity()).has_value());
  CHECK(!toFixed(-std::numeric_limits<double>::infinity()).has_value());
  // 9.3e15 * 1000 = 9.3e18 > INT64_MAX (about 9.22e18).
  CHECK(!toFixed(9.3e15).has_value());
  // The largest JavaScript safe integer still fits: 2^53 * 1000 < 2^63.
  CHECK_EQ(toFixed(9007199254740992.0).value(), INT64_C(9007199254740992000));
}

TEST(assign_values_reports_the_first_bad_index) {
  Quantities quantities;
  CHECK(!quantities.assignValues(std::vector<double>{1, 2, 3}).has_value());
  CHECK_EQ(quantities.size(), 3);
  const auto bad = quantities.assignValues(std::vector<double>{1, -2, std::nan("")});
  REQUIRE(bad.has_value());
  CHECK_EQ(*bad, 1);
  // Unspecified contents still keep the invariant.
  CHECK(quantities.isEmpty());
}

TEST(missing_components_are_zero) {
  // {cpus: 2} was built when only cpus was interned; {cpus: 2, mem: 0} is the same quantity.
  const Quantities shortOne = of({2});
  const Quantities longOne = of({2, 0});
  CHECK(shortOne == longOne);
  CHECK_EQ(shortOne.get(kMem), 0);
  CHECK_EQ(shortOne.get(kDisk), 0);
  CHECK_EQ(shortOne.get(1000), 0);
  CHECK(Quantities().isEmpty());
  CHECK(Quantities(4).isEmpty());
}

TEST(set_grows_with_zeros) {
  Quantities quantities;
  quantities.set(kGpus, 1000);
  CHECK_EQ(quantities.size(), 4);
  CHECK_EQ(quantities.get(kCpus), 0);
  CHECK_EQ(quantities.get(kGpus), 1000);
  CHECK(!quantities.isEmpty());
}

TEST(add_sums_component_wise_and_grows) {
  // {cpus: 1.5} + {cpus: 0.5, mem: 128} = {cpus: 2, mem: 128}.
  Quantities sum = of({1.5});
  sum.add(of({0.5, 128}));
  CHECK(sum == of({2, 128}));
  CHECK_EQ(sum.size(), 2);
}

TEST(add_saturates_instead_of_wrapping) {
  Quantities big;
  big.set(kCpus, std::numeric_limits<std::int64_t>::max() - 1);
  Quantities two;
  two.set(kCpus, 2);
  big.add(two);
  CHECK_EQ(big.get(kCpus), std::numeric_limits<std::int64_t>::max());
}

TEST(subtract_removes_what_is_there) {
  // {cpus: 4, mem: 1024} - {cpus: 1.5, mem: 24} = {cpus: 2.5, mem: 1000}, fully covered.
  Quantities rest = of({4, 1024});
  CHECK(rest.subtract(of({1.5, 24})));
  CHECK(rest == of({2.5, 1000}));
}

TEST(subtract_saturates_at_zero_and_says_so) {
  // {cpus: 2, mem: 1} - {cpus: 3} = {cpus: 0, mem: 1}: one cpu was not there to take.
  Quantities rest = of({2, 1});
  CHECK(!rest.subtract(of({3})));
  CHECK(rest == of({0, 1}));
  // Taking a resource that was never there (disk) is also reported, and changes nothing.
  Quantities cpusOnly = of({1});
  CHECK(!cpusOnly.subtract(of({0, 0, 5})));
  CHECK(cpusOnly == of({1}));
  // Taking zero of a missing name is covered.
  CHECK(cpusOnly.subtract(of({0, 0, 0})));
}

TEST(contains_means_every_component_at_least) {
  const Quantities agent = of({2, 1});
  CHECK(agent.contains(of({1})));
  CHECK(agent.contains(of({2, 1})));
  CHECK(agent.contains(Quantities()));
  CHECK(!agent.contains(of({2.001})));
  CHECK(!agent.contains(of({0, 0, 0, 1})));  // gpus: 1
  CHECK(Quantities().contains(of({0, 0})));
}

TEST(dominant_share_drf_paper_example) {
  // total {cpus: 9, mem: 18}; A holds {cpus: 1, mem: 4} (mem dominant: 4/18),
  // B holds {cpus: 3, mem: 1} (cpus dominant: 3/9).
  const Quantities total = of({9, 18});
  CHECK_NEAR(dominantShare(of({1, 4}), total, {}, 1.0), 4.0 / 18.0, 1e-15);
  CHECK_NEAR(dominantShare(of({3, 1}), total, {}, 1.0), 3.0 / 9.0, 1e-15);
}

TEST(dominant_share_divides_by_weight) {
  // A's 0.222 with weight 2 ranks like 0.111.
  const Quantities total = of({9, 18});
  CHECK_NEAR(dominantShare(of({1, 4}), total, {}, 2.0), 4.0 / 18.0 / 2.0, 1e-15);
  CHECK_NEAR(dominantShare(of({1, 4}), total, {}, 0.5), 4.0 / 18.0 * 2.0, 1e-15);
}

TEST(dominant_share_skips_excluded_names) {
  // total {cpus: 10, mem: 100, disk: 0, gpus: 1}; the client holds the only gpu.
  // Without exclusion gpus dominate (1/1 = 1); excluding gpus leaves max(2/10, 30/100) = 0.3.
  const Quantities total = of({10, 100, 0, 1});
  const Quantities held = of({2, 30, 0, 1});
  CHECK_EQ(dominantShare(held, total, {}, 1.0), 1.0);
  const std::vector<std::uint8_t> excludeGpus = {0, 0, 0, 1};
  CHECK_NEAR(dominantShare(held, total, excludeGpus, 1.0), 0.3, 1e-15);
  // A mask shorter than the names excludes nothing past its end.
  const std::vector<std::uint8_t> excludeCpus = {1};
  CHECK_EQ(dominantShare(held, total, excludeCpus, 1.0), 1.0);
}

TEST(dominant_share_skips_names_without_total) {
  // Nothing of disk exists, so holding disk (say, before the agent's resources were counted)
  // does not make the share infinite; cpus 1/4 decides.
  const Quantities total = of({4, 0, 0});
  CHECK_EQ(dominantShare(of({1, 0, 7}), total, {}, 1.0), 0.25);
  // Allocated names beyond total's size are ignored for the same reason.
  CHECK_EQ(dominantShare(of({1, 0, 0, 3}), of({4}), {}, 1.0), 0.25);
  // An empty cluster gives everyone share 0.
  CHECK_EQ(dominantShare(of({1, 1}), Quantities(), {}, 1.0), 0.0);
}

TEST(dominant_share_can_exceed_one) {
  // An agent removed while its tasks still run leaves allocated > total: 3/2 = 1.5.
  CHECK_EQ(dominantShare(of({3}), of({2}), {}, 1.0), 1.5);
}

TEST(dominant_share_uses_fixed_point_amounts) {
  // 0.0004 cpus rounds to 0 thousandths, so it counts as nothing: share 0.
  CHECK_EQ(dominantShare(of({0.0004}), of({1}), {}, 1.0), 0.0);
  // 0.1 + 0.2 of 0.3 is exactly the whole.
  Quantities held = of({0.1});
  held.add(of({0.2}));
  CHECK_EQ(dominantShare(held, of({0.3}), {}, 1.0), 1.0);
}
