#include "drf/stream.h"

#include "common/text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace mesos::drf {

namespace {

constexpr double kIndexLimit = 2147483648.0;       // 2^31
constexpr double kBoundLimit = 9007199254740992.0;  // 2^53
constexpr double kMaxSafe = 9007199254740991.0;     // 2^53 - 1
constexpr double kSeedLimit = 4294967296.0;         // 2^32


// Thrown inside this file only, to unwind a decode; decodeBatch turns it into an Error.
struct Malformed {
  std::string message;
};

class Reader {
 public:
  Reader(std::span<const double> data, std::span<const std::string> strings)
      : data_(data), strings_(strings) {}

  std::size_t pos = 0;
  bool done() const { return pos >= data_.size(); }

  double num() {
    if (pos >= data_.size()) fail("stream ends early at " + std::to_string(pos));
    return data_[pos++];
  }

  // An integer in [0, limit).
  std::int64_t index(const char* what, double limit = kIndexLimit) {
    const double v = num();
    if (!(std::isfinite(v) && std::floor(v) == v && v >= 0 && v < limit)) {
      fail(std::string(what) + ": " + common::jsNumber(v) + " is not a valid index or count");
    }
    return static_cast<std::int64_t>(v);
  }

  // An integer in [-1, 2^31).
  std::int64_t indexOrNone(const char* what) {
    const double v = num();
    if (!(std::isfinite(v) && std::floor(v) == v && v >= -1 && v < kIndexLimit)) {
      fail(std::string(what) + ": " + common::jsNumber(v) + " is not valid");
    }
    return static_cast<std::int64_t>(v);
  }

  // A non-negative integral amount in milli-units (a safe integer).
  std::int64_t milli(const char* what) {
    const double v = num();
    if (!(std::isfinite(v) && std::floor(v) == v && v >= 0 && v <= kMaxSafe)) {
      fail(std::string(what) + ": " + common::jsNumber(v) + " is not a non-negative amount");
    }
    return static_cast<std::int64_t>(v);
  }

  double finite(const char* what) {
    const double v = num();
    if (!std::isfinite(v)) fail(std::string(what) + ": " + common::jsNumber(v) + " is not a finite number");
    return v;
  }

  bool flag(const char* what) {
    const double v = num();
    if (v != 0 && v != 1) fail(std::string(what) + ": " + common::jsNumber(v) + " is not 0 or 1");
    return v == 1;
  }

  std::uint32_t scalarIndex(const char* what) {
    const std::int64_t k = index(what);
    if (static_cast<std::size_t>(k) >= kMaxScalars) {
      fail(std::string(what) + ": scalar index " + std::to_string(k) +
           " is beyond the native core's limit of " + std::to_string(kMaxScalars));
    }
    return static_cast<std::uint32_t>(k);
  }

  const std::string& string(const char* what) {
    const std::int64_t i = index(what);
    if (static_cast<std::size_t>(i) >= strings_.size()) {
      fail(std::string(what) + ": string " + std::to_string(i) + " is missing (the batch has " +
           std::to_string(strings_.size()) + ")");
    }
    return strings_[static_cast<std::size_t>(i)];
  }

  // A list of indices, returned sorted and without duplicates (lists name roles; order and
  // repetition carry no meaning).
  std::vector<std::uint32_t> list(const char* what, const char* countWhat) {
    const std::int64_t n = index(countWhat);
    std::vector<std::uint32_t> out;
    for (std::int64_t i = 0; i < n; ++i) out.push_back(static_cast<std::uint32_t>(index(what)));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // Sparse scalars [n, (k, milli)*] into a dense vector whose missing entries are `fill`.
  Scalars sparse(const char* what, std::int64_t fill = 0) {
    const std::int64_t n = index(countName(what).c_str());
    Scalars out;
    for (std::int64_t i = 0; i < n; ++i) {
      const std::uint32_t k = scalarIndex((std::string(what) + " scalar").c_str());
      const std::int64_t amount = milli((std::string(what) + " amount").c_str());
      if (k >= out.size()) out.resize(k + 1, fill);
      // Repeated names sum, as StreamReader.sparse does; a missing entry starts from 0.
      std::int64_t& slot = out[k];
      if (slot == fill) slot = 0;
      // Amounts are below 2^53, so only absurdly many repeats could overflow; saturate then.
      if (__builtin_add_overflow(slot, amount, &slot)) slot = kUnlimited - 1;
    }
    return out;
  }

  Groups groups(const char* what) {
    const std::int64_t n = index(countName(what).c_str());
    Groups out;
    for (std::int64_t i = 0; i < n; ++i) out.push_back(sparse(what));
    return out;
  }

  Bundle bundle(const std::string& what) {
    Bundle b;
    b.scalars = sparse(what.c_str());
    // Ranges: [nRanges, (name, nIntervals, (begin, end)*)*]; a name given twice is merged (the
    // union), as repeated scalars are summed (docs/allocator.md section 7).
    const std::int64_t nr = index((what + " ranges count").c_str());
    for (std::int64_t i = 0; i < nr; ++i) {
      const std::uint32_t name = static_cast<std::uint32_t>(index((what + " range name").c_str()));
      const std::int64_t n = index((what + " interval count").c_str());
      for (std::int64_t j = 0; j < n; ++j) {
        const std::int64_t lo = index((what + " range begin").c_str(), kBoundLimit);
        const std::int64_t hi = index((what + " range end").c_str(), kBoundLimit);
        if (hi < lo) {
          fail(what + ": range [" + std::to_string(lo) + "-" + std::to_string(hi) +
               "] ends before it begins");
        }
        b.ranges.push_back({name, lo, hi});
      }
    }
    const std::int64_t ns = index((what + " sets count").c_str());
    for (std::int64_t i = 0; i < ns; ++i) {
      const std::uint32_t name = static_cast<std::uint32_t>(index((what + " set name").c_str()));
      const std::int64_t n = index((what + " set item count").c_str());
      for (std::int64_t j = 0; j < n; ++j) {
        b.items.push_back({name, static_cast<std::uint32_t>(index((what + " set item").c_str()))});
      }
    }
    normalizeRanges(b.ranges);
    normalizeItems(b.items);
    // Drop trailing zeros so that equal bundles look alike.
    while (!b.scalars.empty() && b.scalars.back() == 0) b.scalars.pop_back();
    return b;
  }

  Pooled pooled(const std::string& what) {
    const std::int64_t n = index((what + " pool count").c_str());
    Pooled out;
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int32_t pool = static_cast<std::int32_t>(indexOrNone((what + " pool").c_str()));
      Bundle b = bundle(what);
      // A pool given twice is merged into one bundle.
      auto same = std::find_if(out.pools.begin(), out.pools.end(),
                               [pool](const PoolBundle& p) { return p.pool == pool; });
      if (same != out.pools.end()) {
        addBundle(same->bundle, b);
      } else {
        out.pools.push_back(PoolBundle{pool, std::move(b)});
      }
    }
    std::sort(out.pools.begin(), out.pools.end(),
              [](const PoolBundle& x, const PoolBundle& y) { return x.pool < y.pool; });
    out.dropEmptyPools();
    return out;
  }

  [[noreturn]] void fail(std::string message) { throw Malformed{std::move(message)}; }

 private:
  static std::string countName(const char* what) { return std::string(what) + " count"; }

  std::span<const double> data_;
  std::span<const std::string> strings_;
};

void readEvent(Reader& in, Event& e) {
  switch (e.op) {
    case Op::kConfigure: {
      e.seed = static_cast<std::uint32_t>(in.index("seed", kSeedLimit));
      e.gpuScalar = in.indexOrNone("gpu scalar");
      if (e.gpuScalar >= static_cast<std::int64_t>(kMaxScalars)) {
        in.fail("gpu scalar: index " + std::to_string(e.gpuScalar) +
                " is beyond the native core's limit of " + std::to_string(kMaxScalars));
      }
      const std::int64_t n = in.index("excluded count");
      for (std::int64_t i = 0; i < n; ++i) e.excluded.push_back(in.scalarIndex("excluded scalar"));
      e.groups = in.groups("default min allocatable");
      const std::int64_t roleSorter = in.index("role sorter");
      const std::int64_t frameworkSorter = in.index("framework sorter");
      for (std::int64_t kind : {roleSorter, frameworkSorter}) {
        if (kind != kSorterDrf && kind != kSorterRandom) {
          in.fail("sorter kind " + std::to_string(kind) + " is neither 0 (drf) nor 1 (random)");
        }
      }
      e.roleSorter = static_cast<int>(roleSorter);
      e.frameworkSorter = static_cast<int>(frameworkSorter);
      return;
    }
    case Op::kAddRole:
      e.role = static_cast<std::uint32_t>(in.index("role"));
      e.name = in.string("role name");
      e.parent = in.indexOrNone("parent role");
      return;
    case Op::kSetWeight: {
      e.role = static_cast<std::uint32_t>(in.index("role"));
      e.weight = in.finite("weight");
      if (!(e.weight > 0)) in.fail("weight: " + common::jsNumber(e.weight) + " is not > 0");
      return;
    }
    case Op::kSetQuota:
      e.role = static_cast<std::uint32_t>(in.index("role"));
      e.guarantee = in.sparse("guarantee");
      e.limit = in.sparse("limit", kUnlimited);
      return;
    case Op::kAddAgent:
      e.agent = static_cast<std::uint32_t>(in.index("agent"));
      e.flag = in.flag("activated");
      e.resources = in.pooled("total");
      return;
    case Op::kUpdateAgent:
      e.agent = static_cast<std::uint32_t>(in.index("agent"));
      e.resources = in.pooled("total");
      return;
    case Op::kRemoveAgent:
    case Op::kActivateAgent:
    case Op::kDeactivateAgent:
      e.agent = static_cast<std::uint32_t>(in.index("agent"));
      return;
    case Op::kAddFramework:
      e.framework = static_cast<std::uint32_t>(in.index("framework"));
      e.name = in.string("framework name");
      e.flag = in.flag("gpu");
      e.active = in.flag("active");
      e.roles = in.list("role", "roles count");
      e.suppressed = in.list("suppressed role", "suppressed roles count");
      return;
    case Op::kUpdateFramework:
      e.framework = static_cast<std::uint32_t>(in.index("framework"));
      e.roles = in.list("role", "roles count");
      e.suppressed = in.list("suppressed role", "suppressed roles count");
      return;
    case Op::kRemoveFramework:
    case Op::kActivateFramework:
    case Op::kDeactivateFramework:
      e.framework = static_cast<std::uint32_t>(in.index("framework"));
      return;
    case Op::kSuppress:
    case Op::kRevive:
      e.framework = static_cast<std::uint32_t>(in.index("framework"));
      e.roles = in.list("role", "roles count");
      return;
    case Op::kSetMinAllocatable:
      e.framework = static_cast<std::uint32_t>(in.index("framework"));
      e.role = static_cast<std::uint32_t>(in.index("role"));
      e.groups = in.groups("min allocatable");
      return;
    case Op::kAddAllocation:
      e.framework = static_cast<std::uint32_t>(in.index("framework"));
      e.agent = static_cast<std::uint32_t>(in.index("agent"));
      e.role = static_cast<std::uint32_t>(in.index("role"));
      e.resources = in.pooled("allocation");
      return;
    case Op::kRecover:
      e.framework = static_cast<std::uint32_t>(in.index("framework"));
      e.agent = static_cast<std::uint32_t>(in.index("agent"));
      e.role = static_cast<std::uint32_t>(in.index("role"));
      e.resources = in.pooled("recovered");
      e.expiry = in.finite("expiry");
      return;
    case Op::kConvert:
      e.framework = static_cast<std::uint32_t>(in.index("framework"));
      e.agent = static_cast<std::uint32_t>(in.index("agent"));
      e.role = static_cast<std::uint32_t>(in.index("role"));
      e.resources = in.pooled("from");
      e.to = in.pooled("to");
      return;
  }
}

}  // namespace

const char* opName(Op op) {
  switch (op) {
    case Op::kConfigure: return "CONFIGURE";
    case Op::kAddRole: return "ADD_ROLE";
    case Op::kSetWeight: return "SET_WEIGHT";
    case Op::kSetQuota: return "SET_QUOTA";
    case Op::kAddAgent: return "ADD_AGENT";
    case Op::kUpdateAgent: return "UPDATE_AGENT";
    case Op::kRemoveAgent: return "REMOVE_AGENT";
    case Op::kActivateAgent: return "ACTIVATE_AGENT";
    case Op::kDeactivateAgent: return "DEACTIVATE_AGENT";
    case Op::kAddFramework: return "ADD_FRAMEWORK";
    case Op::kUpdateFramework: return "UPDATE_FRAMEWORK";
    case Op::kRemoveFramework: return "REMOVE_FRAMEWORK";
    case Op::kActivateFramework: return "ACTIVATE_FRAMEWORK";
    case Op::kDeactivateFramework: return "DEACTIVATE_FRAMEWORK";
    case Op::kSuppress: return "SUPPRESS";
    case Op::kRevive: return "REVIVE";
    case Op::kSetMinAllocatable: return "SET_MIN_ALLOCATABLE";
    case Op::kAddAllocation: return "ADD_ALLOCATION";
    case Op::kRecover: return "RECOVER";
    case Op::kConvert: return "CONVERT";
  }
  return "UNKNOWN";
}

Try<std::vector<Event>> decodeBatch(std::span<const double> data,
                                    std::span<const std::string> strings) {
  Reader in(data, strings);
  std::vector<Event> events;
  std::size_t start = 0;
  try {
    while (!in.done()) {
      start = in.pos;
      const std::int64_t op = in.index("opcode");
      if (op < static_cast<std::int64_t>(Op::kConfigure) ||
          op > static_cast<std::int64_t>(Op::kConvert)) {
        in.fail("unknown opcode " + std::to_string(op));
      }
      Event& e = events.emplace_back();
      e.op = static_cast<Op>(op);
      e.offset = start;
      readEvent(in, e);
    }
  } catch (Malformed& error) {
    std::string where = "malformed event batch at " + std::to_string(start) + " (event " +
                        std::to_string(events.empty() ? 0 : events.size() - 1);
    if (!events.empty() && events.back().offset == start) {
      where += ", " + std::string(opName(events.back().op));
    } else {
      where = "malformed event batch at " + std::to_string(start) + " (event " +
              std::to_string(events.size());
    }
    return Error::plain(where + "): " + error.message);
  }
  return events;
}

}  // namespace mesos::drf
