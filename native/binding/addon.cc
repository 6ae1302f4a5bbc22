// The only translation unit family that includes <napi.h>: it exposes the plain C++ of
// native/drf and native/cgroups to JavaScript. lib/native/index.ts is its only caller.
#include <napi.h>

#include "binding/args.h"
#include "binding/exports.h"

#ifndef MESOS_NATIVE_VERSION
#error "binding.gyp defines MESOS_NATIVE_VERSION from package.json"
#endif

namespace mesos::binding {
namespace {

// version(): the package version the addon was built from, so a stale build/ is easy to spot.
Napi::Value Version(const Napi::CallbackInfo& info) {
  requireArgumentCount(info, "version()", 0, 0);
  return Napi::String::New(info.Env(), MESOS_NATIVE_VERSION);
}

}  // namespace
}  // namespace mesos::binding

namespace {

// NODE_API_MODULE pastes the name into an identifier, so it cannot be namespace-qualified.
Napi::Object InitMesosNative(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::Function::New(env, mesos::binding::Version, "version"));
  mesos::binding::registerCgroups(env, exports);
  mesos::binding::registerDrf(env, exports);
  mesos::binding::registerAllocator(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(mesos_native, InitMesosNative)
