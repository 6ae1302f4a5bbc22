// dominantShares: the DRF share arithmetic of native/drf over a batch of clients, in one call.
// It exists to prove (and test) the boundary the allocator will use: typed arrays in, typed
// arrays out, no JS object per client.
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "binding/args.h"
#include "common/text.h"
#include "binding/exports.h"
#include "drf/quantities.h"

namespace mesos::binding {
namespace {

constexpr const char* kFunction = "dominantShares";


Napi::RangeError badQuantity(Napi::Env env, const char* argument, std::size_t index,
                             double value) {
  return Napi::RangeError::New(
      env, std::string(kFunction) + ": " + argument + "[" + std::to_string(index) +
               "] must be a finite number >= 0 whose thousandths fit in an int64 (at most "
               "about 9.2e15), got " + common::jsNumber(value));
}

// dominantShares(allocated: Float64Array, total: Float64Array, excluded: Uint8Array,
//                weights: Float64Array) -> Float64Array
//
// With names = total.length and clients = weights.length: `allocated` is clients x names,
// row-major (client c's amount of name n at c * names + n); `excluded` has one flag per name
// (non-zero: leave the name out of shares); `weights` one positive weight per client. The result
// holds each client's drf::dominantShare. All amounts go through drf::toFixed first, exactly as
// the allocator will store them.
Napi::Value DominantShares(const Napi::CallbackInfo& info) {
  requireArgumentCount(info, "dominantShares(allocated, total, excluded, weights)", 4, 4);
  Napi::Env env = info.Env();
  const Napi::Float64Array allocatedArray = typedArrayArgument<double>(info, 0, kFunction, "allocated");
  const Napi::Float64Array totalArray = typedArrayArgument<double>(info, 1, kFunction, "total");
  const Napi::Uint8Array excludedArray = typedArrayArgument<std::uint8_t>(info, 2, kFunction, "excluded");
  const Napi::Float64Array weightsArray = typedArrayArgument<double>(info, 3, kFunction, "weights");

  // Views over the JS memory; nothing below calls back into JS, so they stay valid.
  const std::span<const double> allocated(allocatedArray.Data(), allocatedArray.ElementLength());
  const std::span<const double> total(totalArray.Data(), totalArray.ElementLength());
  const std::span<const std::uint8_t> excluded(excludedArray.Data(), excludedArray.ElementLength());
  const std::span<const double> weights(weightsArray.Data(), weightsArray.ElementLength());

  const std::size_t names = total.size();
  const std::size_t clients = weights.size();
  if (excluded.size() != names) {
    throw Napi::RangeError::New(env, std::string(kFunction) +
                                         ": excluded must have one flag per resource name "
                                         "(total.length = " + std::to_string(names) +
                                         "), got length " + std::to_string(excluded.size()));
  }
  // clients * names cannot overflow when it equals an actual array length; check by division.
  if ((names == 0 ? allocated.size() != 0
                  : allocated.size() % names != 0 || allocated.size() / names != clients)) {
    throw Napi::RangeError::New(
        env, std::string(kFunction) + ": allocated must have weights.length * total.length = " +
                 std::to_string(clients) + " * " + std::to_string(names) +
                 " elements (clients x names, row-major), got length " +
                 std::to_string(allocated.size()));
  }
  for (std::size_t c = 0; c < clients; ++c) {
    if (!(std::isfinite(weights[c]) && weights[c] > 0.0)) {
      throw Napi::RangeError::New(env, std::string(kFunction) + ": weights[" + std::to_string(c) +
                                           "] must be a finite number > 0, got " +
                                           common::jsNumber(weights[c]));
    }
  }

  drf::Quantities totalQuantities;
  if (const std::optional<std::size_t> bad = totalQuantities.assignValues(total)) {
    throw badQuantity(env, "total", *bad, total[*bad]);
  }

  Napi::Float64Array shares = Napi::Float64Array::New(env, clients);
  double* const out = shares.Data();
  drf::Quantities row;  // Reused for every client: one allocation for the whole batch.
  for (std::size_t c = 0; c < clients; ++c) {
    const std::span<const double> values = allocated.subspan(c * names, names);
    if (const std::optional<std::size_t> bad = row.assignValues(values)) {
      throw badQuantity(env, "allocated", c * names + *bad, values[*bad]);
    }
    out[c] = drf::dominantShare(row, totalQuantities, excluded, weights[c]);
  }
  return shares;
}

}  // namespace

void registerDrf(Napi::Env env, Napi::Object exports) {
  exports.Set("dominantShares", Napi::Function::New(env, DominantShares, "dominantShares"));
}

}  // namespace mesos::binding
