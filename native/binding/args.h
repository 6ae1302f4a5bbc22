// Argument checks at the N-API boundary. Every JS-callable function validates its arguments here
// before touching them, so a wrong call from JavaScript becomes a TypeError or RangeError that
// names the function and the argument, never a crash or a silent misread of memory.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace mesos::binding {

// How a JS value reads in an error message: "undefined", "null", "a number", "a string",
// "a Float64Array", "an Array", "an object", ...
std::string describe(const Napi::Value& value);

// Throws a TypeError unless min <= info.Length() <= max. `signature` reads like
// "dominantShares(allocated, total, excluded, weights)".
void requireArgumentCount(const Napi::CallbackInfo& info, const char* signature, std::size_t min,
                          std::size_t max);

// The typed array passed as argument `index`, whose JS type must be exactly the one of T
// (Float64Array for double, Uint8Array for uint8_t; a Node Buffer is a Uint8Array). Throws a
// TypeError naming `function` and `argument` otherwise.
template <typename T>
Napi::TypedArrayOf<T> typedArrayArgument(const Napi::CallbackInfo& info, std::size_t index,
                                         const char* function, const char* argument);

// The JS name of a typed array type, such as "Float64Array".
const char* typedArrayName(napi_typedarray_type type);

// The typed array type that holds elements of type T (node-addon-api keeps its own mapping
// protected). Only the element types the surface uses are listed; others fail to compile.
template <typename T>
inline constexpr napi_typedarray_type kTypedArrayType = T::unsupported_typed_array_element;
template <>
inline constexpr napi_typedarray_type kTypedArrayType<double> = napi_float64_array;
template <>
inline constexpr napi_typedarray_type kTypedArrayType<std::uint8_t> = napi_uint8_array;
template <>
inline constexpr napi_typedarray_type kTypedArrayType<std::uint32_t> = napi_uint32_array;
template <>
inline constexpr napi_typedarray_type kTypedArrayType<std::int32_t> = napi_int32_array;

template <typename T>
Napi::TypedArrayOf<T> typedArrayArgument(const Napi::CallbackInfo& info, std::size_t index,
                                         const char* function, const char* argument) {
  constexpr napi_typedarray_type expected = kTypedArrayType<T>;
  const Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != expected) {
    throw Napi::TypeError::New(info.Env(), std::string(function) + ": " + argument +
                                               " must be a " + typedArrayName(expected) +
                                               ", got " + describe(value));
  }
  return value.As<Napi::TypedArrayOf<T>>();
}

}  // namespace mesos::binding
