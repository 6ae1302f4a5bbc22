// Dense resource quantities in fixed point: the arithmetic under the DRF sorter.
//
// The TypeScript facade interns resource names ("cpus", "mem", "disk", "gpus", ...) to small
// integers; a Quantities holds one amount per interned name, so adding an allocation or computing
// a share is a loop over a short array instead of a map lookup per name.
//
// Amounts are int64 thousandths, as Mesos compares and sums scalar resources: a value is scaled by
// 1000 and rounded to the nearest integer (halves away from zero), so 0.001 is the finest
// precision and 0.1 + 0.2 equals 0.3 exactly. Doubles are only used at the edges (toFixed,
// toValue) and for shares, which are ratios and never summed back into quantities.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace mesos::drf {

// An interned resource name; the facade assigns them densely from 0.
using NameId = std::uint32_t;

// Per-name flags, indexed by NameId: non-zero means "leave this name out of shares" (Mesos's
// --fair_sharing_excluded_resource_names, typically "gpus"). Names past the end are not excluded.
using ExclusionMask = std::span<const std::uint8_t>;

inline constexpr std::int64_t kFixedScale = 1000;

// The fixed-point amount of a resource value, or nullopt when the value is negative, NaN,
// infinite, or so large that value * 1000 does not fit in an int64 (about 9.2e15).
// Examples: toFixed(1.5) == 1500, toFixed(0.0004) == 0, toFixed(0.0016) == 2, toFixed(-0.0) == 0.
std::optional<std::int64_t> toFixed(double value);

// The value a fixed-point amount stands for: toValue(1500) == 1.5.
double toValue(std::int64_t fixed);

class Quantities {
 public:
  Quantities() = default;
  // `names` zero amounts.
  explicit Quantities(std::size_t names) : fixed_(names, 0) {}

  // Replaces the contents with toFixed of each value, one per NameId. Returns the index of the
  // first value toFixed rejects, in which case the contents are unspecified (but valid).
  // Reuses the storage, so a batch converts row after row without allocating.
  std::optional<std::size_t> assignValues(std::span<const double> values);

  // The number of stored components. Components past size() are zero by definition, so vectors
  // built when fewer names were interned combine with newer, longer ones.
  std::size_t size() const { return fixed_.size(); }

  // The amount of `name` in thousandths, 0 past size().
  std::int64_t get(NameId name) const { return name < fixed_.size() ? fixed_[name] : 0; }

  // Sets the amount of `name`, growing the vector with zeros if needed.
  // Precondition: fixed >= 0 (the invariant of every component).
  void set(NameId name, std::int64_t fixed);

  // this += other, component by component. A sum that would exceed INT64_MAX saturates there;
  // with amounts below 2^53 thousandths (what JavaScript numbers carry exactly) that cannot
  // happen in practice, and saturating keeps the invariant instead of wrapping negative.
  void add(const Quantities& other);

  // this -= other, component by component, saturating at zero: taking away more than is there
  // leaves nothing, as Mesos drops a scalar resource whose subtraction would go negative.
  // Returns true when every component of `other` was covered (no saturation happened), so a
  // caller that believes it only removes what it added can check that belief.
  // Example: {cpus: 2, mem: 1} - {cpus: 3} == {cpus: 0, mem: 1}, returns false.
  bool subtract(const Quantities& other);

  // Whether every component of this is >= the same component of other (missing ones are zero).
  // Example: {cpus: 2, mem: 1} contains {cpus: 1}, and does not contain {gpus: 1}.
  bool contains(const Quantities& other) const;

  // Whether every component is zero.
  bool isEmpty() const;

  // Component-wise equality, treating missing components as zero.
  friend bool operator==(const Quantities& a, const Quantities& b);

 private:
  // Invariant: every element is >= 0.
  std::vector<std::int64_t> fixed_;
};

// The weighted dominant share of an allocation, as the DRF sorter ranks clients:
//
//   share = max over names n, not excluded, with total[n] > 0, of allocated[n] / total[n]
//   dominantShare = share / weight
//
// Names whose total is zero are skipped (nothing of them exists to be shared), as are allocated
// components past total.size(). The result may exceed 1 / weight when allocated exceeds total.
// Precondition: weight is finite and > 0 (the binding and the allocator validate weights).
//
// Worked example (the DRF paper's): total {cpus: 9, mem: 18}.
//   A holds {cpus: 1, mem: 4}: cpus 1/9 = 0.111, mem 4/18 = 0.222, dominant share 0.222 (mem).
//   B holds {cpus: 3, mem: 1}: cpus 3/9 = 0.333, mem 1/18 = 0.056, dominant share 0.333 (cpus).
//   With weight 2, A's share is 0.222 / 2 = 0.111; with mem excluded it is 1/9 = 0.111.
double dominantShare(const Quantities& allocated, const Quantities& total, ExclusionMask excluded,
                     double weight);

}  // namespace mesos::drf
