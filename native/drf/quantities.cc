#include "drf/quantities.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace mesos::drf {

namespace {

// 2^63 as a double (exact). A scaled value strictly below it rounds to at most 2^63 - 1024, so
// std::llround cannot overflow.
constexpr double kScaledLimit = 9223372036854775808.0;

constexpr std::int64_t kMaxFixed = std::numeric_limits<std::int64_t>::max();

}  // namespace

std::optional<std::int64_t> toFixed(double value) {
  const double scaled = value * static_cast<double>(kFixedScale);
  // The comparison is written so that NaN fails it; -0.0 passes and becomes 0.
  if (!(scaled >= 0.0 && scaled < kScaledLimit)) return std::nullopt;
  return static_cast<std::int64_t>(std::llround(scaled));
}

double toValue(std::int64_t fixed) {
  return static_cast<double>(fixed) / static_cast<double>(kFixedScale);
}

std::optional<std::size_t> Quantities::assignValues(std::span<const double> values) {
  fixed_.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::optional<std::int64_t> fixed = toFixed(values[i]);
    if (!fixed) {
      // Keep the invariant for whatever the caller does with the unspecified contents.
      std::fill(fixed_.begin(), fixed_.end(), 0);
      return i;
    }
    fixed_[i] = *fixed;
  }
  return std::nullopt;
}

void Quantities::set(NameId name, std::int64_t fixed) {
  assert(fixed >= 0);
  if (name >= fixed_.size()) fixed_.resize(static_cast<std::size_t>(name) + 1, 0);
  fixed_[name] = fixed;
}

void Quantities::add(const Quantities& other) {
  if (other.fixed_.size() > fixed_.size()) fixed_.resize(other.fixed_.size(), 0);
  for (std::size_t i = 0; i < other.fixed_.size(); ++i) {
    // Both operands are >= 0, so only overflow past INT64_MAX is possible.
    std::int64_t sum;
    fixed_[i] = __builtin_add_overflow(fixed_[i], other.fixed_[i], &sum) ? kMaxFixed : sum;
  }
}

bool Quantities::subtract(const Quantities& other) {
  bool covered = true;
  for (std::size_t i = 0; i < other.fixed_.size(); ++i) {
    const std::int64_t mine = i < fixed_.size() ? fixed_[i] : 0;
    if (other.fixed_[i] > mine) covered = false;
    // Components past our size are zero and stay zero, so there is nothing to store for them.
    if (i < fixed_.size()) fixed_[i] = std::max<std::int64_t>(mine - other.fixed_[i], 0);
  }
  return covered;
}

bool Quantities::contains(const Quantities& other) const {
  for (std::size_t i = 0; i < other.fixed_.size(); ++i) {
    if (get(static_cast<NameId>(i)) < other.fixed_[i]) return false;
  }
  return true;
}

bool Quantities::isEmpty() const {
  return std::all_of(fixed_.begin(), fixed_.end(), [](std::int64_t amount) { return amount == 0; });
}

bool operator==(const Quantities& a, const Quantities& b) {
  const std::size_t size = std::max(a.fixed_.size(), b.fixed_.size());
  for (std::size_t i = 0; i < size; ++i) {
    if (a.get(static_cast<NameId>(i)) != b.get(static_cast<NameId>(i))) return false;
  }
  return true;
}

double dominantShare(const Quantities& allocated, const Quantities& total, ExclusionMask excluded,
                     double weight) {
  assert(std::isfinite(weight) && weight > 0.0);
  double share = 0.0;
  for (std::size_t i = 0; i < total.size(); ++i) {
    if (i < excluded.size() && excluded[i] != 0) continue;
    const std::int64_t available = total.get(static_cast<NameId>(i));
    if (available == 0) continue;
    // Both amounts are in thousandths, so their ratio is the ratio of the values.
    const double ratio = static_cast<double>(allocated.get(static_cast<NameId>(i))) /
                         static_cast<double>(available);
    share = std::max(share, ratio);
  }
  return share / weight;
}

}  // namespace mesos::drf
