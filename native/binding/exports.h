// The JS surface of the addon, one registration function per area. Each adds its functions to
// `exports` under their JS names; grep for `exports.Set("` to list every JS-callable function
// and class (a class's methods are listed where it is defined, in DefineClass).
#pragma once

#include <napi.h>

namespace mesos::binding {

// detectCgroups(mountinfoPath?: string): { mode, v1, v2? }, and class CgroupManager (lib/native/index.ts wraps it)
void registerCgroups(Napi::Env env, Napi::Object exports);

// dominantShares(allocated, total, excluded, weights): Float64Array
void registerDrf(Napi::Env env, Napi::Object exports);

// class Allocator { apply(data, strings); allocate(now); explain(framework, role) }
void registerAllocator(Napi::Env env, Napi::Object exports);

}  // namespace mesos::binding
