// detectCgroups: the cgroup layout of this host (or of a given mountinfo file) for the agent's
// containerizer facade.
#include <optional>
#include <string>

#include "binding/args.h"
#include "binding/exports.h"
#include "cgroups/hierarchy.h"

namespace mesos::binding {
namespace {

// The code lib/native documents for every detection failure; errno, syscall and path are added
// when the failure has them (errno is the positive C value, as in os.constants.errno).
constexpr const char* kDetectFailed = "CGROUPS_DETECT_FAILED";

Napi::Error detectError(Napi::Env env, const Error& error) {
  Napi::Error jsError = Napi::Error::New(env, error.message);
  Napi::Object object = jsError.Value();
  object.Set("code", kDetectFailed);
  if (error.errnum != 0) object.Set("errno", error.errnum);
  if (!error.syscall.empty()) object.Set("syscall", error.syscall);
  if (!error.path.empty()) object.Set("path", error.path);
  return jsError;
}

// detectCgroups(mountinfoPath?: string) -> { mode: 'v1' | 'v2' | 'hybrid',
//   v1: { [controller]: mountPoint }, v2?: mountPoint }
// Without a path (or with undefined) it answers for /proc/self/mountinfo, detected once per
// process; with a path it parses that file on every call.
Napi::Value DetectCgroups(const Napi::CallbackInfo& info) {
  requireArgumentCount(info, "detectCgroups(mountinfoPath?)", 0, 1);
  Napi::Env env = info.Env();

  std::optional<Try<cgroups::Layout>> fromFile;
  if (info.Length() == 1 && !info[0].IsUndefined()) {
    if (!info[0].IsString()) {
      throw Napi::TypeError::New(
          env, "detectCgroups: mountinfoPath must be a string, got " + describe(info[0]));
    }
    const std::string path = info[0].As<Napi::String>().Utf8Value();
    if (path.find('\0') != std::string::npos) {
      throw Napi::TypeError::New(env, "detectCgroups: mountinfoPath must not contain NUL bytes");
    }
    fromFile.emplace(cgroups::detect(path));
  }
  const Try<cgroups::Layout>& result = fromFile ? *fromFile : cgroups::systemLayout();
  if (result.isError()) throw detectError(env, result.error());

  const cgroups::Layout& layout = result.get();
  Napi::Object out = Napi::Object::New(env);
  out.Set("mode", std::string(cgroups::modeName(layout.mode)));
  Napi::Object v1 = Napi::Object::New(env);
  for (const auto& [controller, mountPoint] : layout.v1) v1.Set(controller, mountPoint);
  out.Set("v1", v1);
  if (layout.v2) out.Set("v2", *layout.v2);
  return out;
}

}  // namespace

void registerCgroups(Napi::Env env, Napi::Object exports) {
  exports.Set("detectCgroups", Napi::Function::New(env, DetectCgroups, "detectCgroups"));
}

}  // namespace mesos::binding
