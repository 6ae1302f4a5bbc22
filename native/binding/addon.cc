// The only translation unit family that includes <napi.h>: it exposes the plain C++ of
// native/drf and native/cgroups to JavaScript.
#include <napi.h>

namespace {

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), "0.1.0");
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  return exports;
}

}  // namespace

NODE_API_MODULE(mesos_native, Init)
