// Reading the facade's event batches (lib/allocator/protocol.ts, docs/allocator.md section 7).
//
// A batch is a Float64Array of numbers plus an array of strings for names. decodeBatch reads the
// whole batch into Events and checks its structure (every count, index and amount, every range,
// every number finite) before the allocator applies anything, so a malformed batch changes
// nothing. Semantic checks (does this agent exist?) belong to the allocator, which applies events
// in order and stops at the first bad one.
//
// The reader mirrors protocol.ts's StreamReader, quirks included, so both cores accept and
// reject the same batches: indices and counts are integers in [0, 2^31), pools in [-1, 2^31),
// amounts safe integers >= 0, interval bounds integers in [0, 2^53) with end >= begin; a scalar
// named twice in one sparse list has its amounts summed, while a range name, set name or pool
// given twice keeps its last value. Inputs are normalized as they are read: intervals sorted and
// coalesced, set items sorted and de-duplicated, zero scalars and empty pools dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "common/try.h"
#include "drf/bundle.h"

namespace mesos::drf {

enum class Op : std::uint8_t {
  kConfigure = 1,
  kAddRole = 2,
  kSetWeight = 3,
  kSetQuota = 4,
  kAddAgent = 5,
  kUpdateAgent = 6,
  kRemoveAgent = 7,
  kActivateAgent = 8,
  kDeactivateAgent = 9,
  kAddFramework = 10,
  kUpdateFramework = 11,
  kRemoveFramework = 12,
  kActivateFramework = 13,
  kDeactivateFramework = 14,
  kSuppress = 15,
  kRevive = 16,
  kSetMinAllocatable = 17,
  kAddAllocation = 18,
  kRecover = 19,
  kConvert = 20,
};

// "CONFIGURE", "ADD_ROLE", ...
const char* opName(Op op);

inline constexpr int kSorterDrf = 0;
inline constexpr int kSorterRandom = 1;

// The native core keeps scalars in dense vectors, so it bounds scalar indices (the facade interns
// resource names densely from 0; a handful exist in practice). A larger index is malformed.
inline constexpr std::size_t kMaxScalars = 4096;

// A limit on a scalar that has none.
inline constexpr std::int64_t kUnlimited = std::numeric_limits<std::int64_t>::max();

// Minimum-allocatable groups: an offer passes when it meets any one group (every scalar of the
// offer >= the group's). No groups at all accepts anything.
using Groups = std::vector<Scalars>;

// One decoded event. Only the fields of its op are meaningful.
struct Event {
  Op op = Op::kConfigure;
  std::size_t offset = 0;  // Where its opcode is in the batch.

  std::uint32_t framework = 0;
  std::uint32_t agent = 0;
  std::uint32_t role = 0;
  std::int64_t parent = -1;  // ADD_ROLE

  // CONFIGURE
  std::uint32_t seed = 0;
  std::int64_t gpuScalar = -1;
  std::vector<std::uint32_t> excluded;
  int roleSorter = kSorterDrf;
  int frameworkSorter = kSorterDrf;

  Groups groups;  // CONFIGURE's default, SET_MIN_ALLOCATABLE's override.
  std::string name;  // ADD_ROLE, ADD_FRAMEWORK
  double weight = 1.0;  // SET_WEIGHT
  Scalars guarantee;    // SET_QUOTA
  Scalars limit;        // SET_QUOTA: kUnlimited where the scalar has no limit.
  bool flag = false;    // ADD_AGENT's activated, ADD_FRAMEWORK's gpu
  bool active = false;  // ADD_FRAMEWORK
  std::vector<std::uint32_t> roles;       // sorted, unique
  std::vector<std::uint32_t> suppressed;  // sorted, unique
  Pooled resources;  // ADD_AGENT/UPDATE_AGENT total, ADD_ALLOCATION, RECOVER, CONVERT's from
  Pooled to;         // CONVERT
  double expiry = 0;  // RECOVER
};

// Decodes and structurally validates a whole batch. On error, the message names the position
// in the batch, the event and its op: "at 17 (event 2, RECOVER): range [5-3] ends before it
// begins".
Try<std::vector<Event>> decodeBatch(std::span<const double> data,
                                    std::span<const std::string> strings);

}  // namespace mesos::drf
