#include "binding/args.h"

namespace mesos::binding {

const char* typedArrayName(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
      return "Int8Array";
    case napi_uint8_array:
      return "Uint8Array";
    case napi_uint8_clamped_array:
      return "Uint8ClampedArray";
    case napi_int16_array:
      return "Int16Array";
    case napi_uint16_array:
      return "Uint16Array";
    case napi_int32_array:
      return "Int32Array";
    case napi_uint32_array:
      return "Uint32Array";
    case napi_float32_array:
      return "Float32Array";
    case napi_float64_array:
      return "Float64Array";
    case napi_bigint64_array:
      return "BigInt64Array";
    case napi_biguint64_array:
      return "BigUint64Array";
  }
  return "typed array";
}

std::string describe(const Napi::Value& value) {
  if (value.IsUndefined()) return "undefined";
  if (value.IsNull()) return "null";
  if (value.IsBoolean()) return "a boolean";
  if (value.IsNumber()) return "a number";
  if (value.IsString()) return "a string";
  if (value.IsBigInt()) return "a bigint";
  if (value.IsSymbol()) return "a symbol";
  if (value.IsFunction()) return "a function";
  if (value.IsTypedArray()) {
    const std::string name = typedArrayName(value.As<Napi::TypedArray>().TypedArrayType());
    return (name == "Int8Array" || name == "Int16Array" || name == "Int32Array" ? "an " : "a ") +
           name;
  }
  if (value.IsArrayBuffer()) return "an ArrayBuffer";
  if (value.IsDataView()) return "a DataView";
  if (value.IsArray()) return "an Array";
  return "an object";
}

void requireArgumentCount(const Napi::CallbackInfo& info, const char* signature, std::size_t min,
                          std::size_t max) {
  const std::size_t count = info.Length();
  if (count >= min && count <= max) return;
  const std::size_t bound = count < min ? min : max;
  const std::string expected =
      (min == max ? "" : count < min ? "at least " : "at most ") + std::to_string(bound);
  throw Napi::TypeError::New(info.Env(), std::string(signature) + " expects " + expected +
                                             (bound == 1 ? " argument" : " arguments") +
                                             ", got " + std::to_string(count));
}

}  // namespace mesos::binding
