// class Allocator: the native allocator core (native/drf/allocator.h) as one JS class. Numbers in,
// numbers out: batches arrive as a Float64Array plus the array of strings they name, decisions
// leave as two typed arrays, so no JS object is made per agent or per offer. lib/native/index.ts
// wraps it as NativeAllocatorCore and is its only user.
#include <charconv>
#include <cmath>
#include <exception>
#include <span>
#include <string>
#include <vector>

#include "binding/args.h"
#include "common/text.h"
#include "binding/exports.h"
#include "drf/allocator.h"

namespace mesos::binding {
namespace {

// The `code` of the Error thrown for a batch the core refuses (lib/common/errors.ts).
constexpr const char* kInvalidEvent = "INVALID_ALLOCATOR_EVENT";

// The largest index the protocol allows (protocol.ts: indices are below 2^31).
constexpr double kIndexLimit = 2147483648.0;


// Runs core code, turning a C++ exception (allocation failure, a broken invariant) into a JS
// Error instead of letting it end the process.
template <typename F>
decltype(auto) guarded(Napi::Env env, F&& body) {
  try {
    return body();
  } catch (const std::exception& error) {
    throw Napi::Error::New(env, std::string("native allocator failed: ") + error.what());
  }
}

class AllocatorWrap final : public Napi::ObjectWrap<AllocatorWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "Allocator",
                       {InstanceMethod<&AllocatorWrap::Apply>("apply"),
                        InstanceMethod<&AllocatorWrap::Allocate>("allocate"),
                        InstanceMethod<&AllocatorWrap::Explain>("explain")});
  }

  // new Allocator()
  explicit AllocatorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<AllocatorWrap>(info) {
    requireArgumentCount(info, "new Allocator()", 0, 0);
  }

 private:
  // apply(data: Float64Array, strings: string[]): undefined
  // Throws an Error with code INVALID_ALLOCATOR_EVENT when the core refuses the batch.
  Napi::Value Apply(const Napi::CallbackInfo& info) {
    requireArgumentCount(info, "Allocator.apply(data, strings)", 2, 2);
    Napi::Env env = info.Env();
    const Napi::Float64Array data = typedArrayArgument<double>(info, 0, "Allocator.apply", "data");
    if (!info[1].IsArray()) {
      throw Napi::TypeError::New(env, "Allocator.apply: strings must be an Array of strings, got " +
                                          describe(info[1]));
    }
    const Napi::Array strings = info[1].As<Napi::Array>();
    strings_.resize(strings.Length());
    for (std::uint32_t i = 0; i < strings.Length(); ++i) {
      const Napi::Value value = strings.Get(i);
      if (!value.IsString()) {
        throw Napi::TypeError::New(env, "Allocator.apply: strings[" + std::to_string(i) +
                                            "] must be a string, got " + describe(value));
      }
      strings_[i] = value.As<Napi::String>().Utf8Value();
    }
    // Reading the strings may run JS (getters on a proxy); take the view of `data` after it.
    const std::span<const double> view(data.Data(), data.ElementLength());
    Try<std::size_t> applied = guarded(env, [&] { return allocator_.apply(view, strings_); });
    if (applied.isError()) {
      Napi::Error error = Napi::Error::New(env, applied.error().message);
      error.Value().Set("code", kInvalidEvent);
      throw error;
    }
    return env.Undefined();
  }

  // allocate(now: number): { offers: Int32Array, payload: Float64Array, count: number }
  Napi::Value Allocate(const Napi::CallbackInfo& info) {
    requireArgumentCount(info, "Allocator.allocate(now)", 1, 1);
    Napi::Env env = info.Env();
    const double now = numberArgument(info, 0, "Allocator.allocate", "now");
    if (!std::isfinite(now)) {
      throw Napi::RangeError::New(env, "Allocator.allocate: now must be a finite number of ms, got " +
                                           common::jsNumber(now));
    }
    const drf::Decisions& decisions = guarded(env, [&]() -> const drf::Decisions& {
      return allocator_.allocate(now);
    });
    // One copy of each array; the core keeps its buffers for the next cycle.
    Napi::Int32Array offers = Napi::Int32Array::New(env, decisions.offers.size());
    std::copy(decisions.offers.begin(), decisions.offers.end(), offers.Data());
    Napi::Float64Array payload = Napi::Float64Array::New(env, decisions.payload.size());
    std::copy(decisions.payload.begin(), decisions.payload.end(), payload.Data());
    Napi::Object out = Napi::Object::New(env);
    out.Set("offers", offers);
    out.Set("payload", payload);
    out.Set("count", static_cast<double>(decisions.count));
    return out;
  }

  // explain(framework: number, role: number): CoreExplain with its Maps as Float64Arrays of
  // [key, value, key, value, ...] and skips as an Array of five counts.
  Napi::Value Explain(const Napi::CallbackInfo& info) {
    requireArgumentCount(info, "Allocator.explain(framework, role)", 2, 2);
    Napi::Env env = info.Env();
    const std::uint32_t framework = indexArgument(info, 0, "Allocator.explain", "framework");
    const std::uint32_t role = indexArgument(info, 1, "Allocator.explain", "role");
    Try<drf::Explanation> explained = guarded(env, [&] { return allocator_.explain(framework, role); });
    if (explained.isError()) {
      // Asking about an unknown framework or role is the facade's bug, like a bad event.
      Napi::Error error = Napi::Error::New(env, explained.error().message);
      error.Value().Set("code", kInvalidEvent);
      throw error;
    }
    const drf::Explanation& e = explained.get();
    Napi::Object out = Napi::Object::New(env);
    out.Set("share", e.share);
    out.Set("rank", static_cast<double>(e.rank));
    out.Set("roleShare", e.roleShare);
    out.Set("roleRank", static_cast<double>(e.roleRank));
    out.Set("weight", e.weight);
    out.Set("active", e.active);
    out.Set("suppressed", e.suppressed);
    out.Set("filters", static_cast<double>(e.filters));
    out.Set("filteredAgents", static_cast<double>(e.filteredAgents));
    out.Set("guarantee", pairs(env, e.guarantee));
    out.Set("limit", pairs(env, e.limit));
    out.Set("consumed", pairs(env, e.consumed));
    out.Set("offered", pairs(env, e.offered));
    Napi::Array skips = Napi::Array::New(env, e.skips.size());
    for (std::uint32_t i = 0; i < e.skips.size(); ++i) skips.Set(i, static_cast<double>(e.skips[i]));
    out.Set("skips", skips);
    out.Set("candidates", static_cast<double>(e.candidates));
    return out;
  }

  static Napi::Float64Array pairs(Napi::Env env, const drf::SparseScalars& scalars) {
    Napi::Float64Array out = Napi::Float64Array::New(env, scalars.size() * 2);
    double* data = out.Data();
    for (const auto& [k, v] : scalars) {
      *data++ = k;
      *data++ = static_cast<double>(v);
    }
    return out;
  }

  static double numberArgument(const Napi::CallbackInfo& info, std::size_t index, const char* function,
                               const char* name) {
    if (!info[index].IsNumber()) {
      throw Napi::TypeError::New(info.Env(), std::string(function) + ": " + name + " must be a number, got " +
                                                 describe(info[index]));
    }
    return info[index].As<Napi::Number>().DoubleValue();
  }

  static std::uint32_t indexArgument(const Napi::CallbackInfo& info, std::size_t index, const char* function,
                                     const char* name) {
    const double value = numberArgument(info, index, function, name);
    if (!(std::floor(value) == value && value >= 0 && value < kIndexLimit)) {
      throw Napi::RangeError::New(info.Env(), std::string(function) + ": " + name +
                                                  " must be an integer index in [0, 2^31), got " +
                                                  common::jsNumber(value));
    }
    return static_cast<std::uint32_t>(value);
  }

  drf::Allocator allocator_;
  std::vector<std::string> strings_;  // Reused across batches.
};

}  // namespace

void registerAllocator(Napi::Env env, Napi::Object exports) {
  exports.Set("Allocator", AllocatorWrap::define(env));
}

}  // namespace mesos::binding
