// The cgroup surface of the addon: detectCgroups (the host's layout) and class CgroupManager (one
// manager of native/cgroups/manager.h per JS object). lib/native/index.ts is the only caller; it
// wraps the class as `openCgroups()` and turns the coded errors below into MesosErrors.
//
// Every method is synchronous: they are a few small writes and reads of cgroup files. kill() and
// destroy() may sleep for milliseconds while a freezer settles or killed processes exit (bounded,
// about 2 s at worst; see ManagerOptions).
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "binding/args.h"
#include "binding/exports.h"
#include "cgroups/hierarchy.h"
#include "cgroups/manager.h"
#include "common/text.h"

namespace mesos::binding {
namespace {

// The codes lib/common/errors.ts registers for cgroup failures. Detection failures (reading the
// mount table) are CGROUPS_DETECT_FAILED; everything a CgroupManager reports, including refused
// container ids, is CGROUPS_OPERATION_FAILED.
constexpr const char* kDetectFailed = "CGROUPS_DETECT_FAILED";
constexpr const char* kOperationFailed = "CGROUPS_OPERATION_FAILED";

// A JS Error for `error` with `code`, and errno (the positive C value, as in os.constants.errno),
// syscall and path when the failure has them.
Napi::Error cgroupsError(Napi::Env env, const char* code, const Error& error) {
  Napi::Error jsError = Napi::Error::New(env, error.message);
  Napi::Object object = jsError.Value();
  object.Set("code", code);
  if (error.errnum != 0) object.Set("errno", error.errnum);
  if (!error.syscall.empty()) object.Set("syscall", error.syscall);
  if (!error.path.empty()) object.Set("path", error.path);
  return jsError;
}

// The value of a successful Try, or a thrown CGROUPS_OPERATION_FAILED.
template <typename T>
T valueOr(Napi::Env env, Try<T> result) {
  if (result.isError()) throw cgroupsError(env, kOperationFailed, result.error());
  return std::move(result).get();
}

// A string argument without NUL bytes (which would silently cut a path short in C).
std::string stringArgument(const Napi::Value& value, const std::string& where) {
  if (!value.IsString()) {
    throw Napi::TypeError::New(value.Env(), where + " must be a string, got " + describe(value));
  }
  std::string text = value.As<Napi::String>().Utf8Value();
  if (text.find('\0') != std::string::npos) {
    throw Napi::TypeError::New(value.Env(), where + " must not contain NUL bytes");
  }
  return text;
}

bool isAbsent(const Napi::Value& value) { return value.IsUndefined() || value.IsNull(); }

// An optional non-negative integer that a double holds exactly (up to 2^53 - 1).
std::optional<std::uint64_t> optionalCount(const Napi::Value& value, const std::string& where) {
  if (isAbsent(value)) return std::nullopt;
  if (!value.IsNumber()) {
    throw Napi::TypeError::New(value.Env(),
                               where + " must be a number or undefined, got " + describe(value));
  }
  const double number = value.As<Napi::Number>().DoubleValue();
  constexpr double kMaxSafeInteger = 9007199254740991.0;
  if (!(number >= 0 && number <= kMaxSafeInteger) || std::trunc(number) != number) {
    throw Napi::RangeError::New(value.Env(),
                                where + " must be an integer from 0 to 2^53 - 1, got " +
                                    common::jsNumber(number));
  }
  return static_cast<std::uint64_t>(number);
}

// The layout object of detectCgroups ({ mode, v1, v2? }) back in C++, for fake trees in tests.
cgroups::Layout layoutArgument(const Napi::Value& value) {
  Napi::Env env = value.Env();
  const std::string where = "new CgroupManager: layout";
  if (!value.IsObject() || value.IsArray()) {
    throw Napi::TypeError::New(env, where + " must be an object, got " + describe(value));
  }
  const Napi::Object object = value.As<Napi::Object>();
  cgroups::Layout layout;
  const std::string mode = stringArgument(object.Get("mode"), where + ".mode");
  if (mode == "v1") {
    layout.mode = cgroups::Mode::V1;
  } else if (mode == "v2") {
    layout.mode = cgroups::Mode::V2;
  } else if (mode == "hybrid") {
    layout.mode = cgroups::Mode::Hybrid;
  } else {
    throw Napi::TypeError::New(env, where + ".mode must be 'v1', 'v2' or 'hybrid', got '" + mode +
                                        "'");
  }
  const Napi::Value v1 = object.Get("v1");
  if (!v1.IsObject() || v1.IsArray()) {
    throw Napi::TypeError::New(env, where + ".v1 must be an object, got " + describe(v1));
  }
  const Napi::Array names = v1.As<Napi::Object>().GetPropertyNames();
  for (std::uint32_t i = 0; i < names.Length(); ++i) {
    const std::string name = stringArgument(names.Get(i), where + ".v1 key");
    layout.v1[name] = stringArgument(v1.As<Napi::Object>().Get(name), where + ".v1." + name);
  }
  const Napi::Value v2 = object.Get("v2");
  if (!v2.IsUndefined()) layout.v2 = stringArgument(v2, where + ".v2");
  return layout;
}

Napi::Array stringArray(Napi::Env env, const std::vector<std::string>& strings) {
  Napi::Array array = Napi::Array::New(env, strings.size());
  for (std::uint32_t i = 0; i < strings.size(); ++i) array.Set(i, strings[i]);
  return array;
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
    fromFile.emplace(cgroups::detect(stringArgument(info[0], "detectCgroups: mountinfoPath")));
  }
  const Try<cgroups::Layout>& result = fromFile ? *fromFile : cgroups::systemLayout();
  if (result.isError()) throw cgroupsError(env, kDetectFailed, result.error());

  const cgroups::Layout& layout = result.get();
  Napi::Object out = Napi::Object::New(env);
  out.Set("mode", std::string(cgroups::modeName(layout.mode)));
  Napi::Object v1 = Napi::Object::New(env);
  for (const auto& [controller, mountPoint] : layout.v1) v1.Set(controller, mountPoint);
  out.Set("v1", v1);
  if (layout.v2) out.Set("v2", *layout.v2);
  return out;
}

class CgroupManagerWrap final : public Napi::ObjectWrap<CgroupManagerWrap> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "CgroupManager",
                       {InstanceMethod<&CgroupManagerWrap::Mode>("mode"),
                        InstanceMethod<&CgroupManagerWrap::Prepare>("prepare"),
                        InstanceMethod<&CgroupManagerWrap::Paths>("paths"),
                        InstanceMethod<&CgroupManagerWrap::Create>("create"),
                        InstanceMethod<&CgroupManagerWrap::Update>("update"),
                        InstanceMethod<&CgroupManagerWrap::Statistics>("statistics"),
                        InstanceMethod<&CgroupManagerWrap::Pids>("pids"),
                        InstanceMethod<&CgroupManagerWrap::Kill>("kill"),
                        InstanceMethod<&CgroupManagerWrap::Destroy>("destroy"),
                        InstanceMethod<&CgroupManagerWrap::Containers>("containers")});
  }

  // new CgroupManager(cgroupsRoot: string, controllers: string[], layout?: object,
  //                   mountinfoPath?: string)
  // The layout is `layout` when given (fake trees), else detected from `mountinfoPath`, else the
  // host's (detected once per process). Detection failures throw CGROUPS_DETECT_FAILED; a
  // controller that is not mounted or a refused root throws CGROUPS_OPERATION_FAILED.
  explicit CgroupManagerWrap(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<CgroupManagerWrap>(info) {
    requireArgumentCount(info,
                         "new CgroupManager(cgroupsRoot, controllers, layout?, mountinfoPath?)",
                         2, 4);
    Napi::Env env = info.Env();
    const std::string root = stringArgument(info[0], "new CgroupManager: cgroupsRoot");
    if (!info[1].IsArray()) {
      throw Napi::TypeError::New(env, "new CgroupManager: controllers must be an Array, got " +
                                          describe(info[1]));
    }
    const Napi::Array names = info[1].As<Napi::Array>();
    std::vector<cgroups::Controller> controllers;
    for (std::uint32_t i = 0; i < names.Length(); ++i) {
      const std::string where = "new CgroupManager: controllers[" + std::to_string(i) + "]";
      Try<cgroups::Controller> controller = cgroups::parseController(stringArgument(names.Get(i), where));
      if (controller.isError()) {
        throw Napi::TypeError::New(env, where + ": " + controller.error().message);
      }
      controllers.push_back(controller.get());
    }

    std::optional<Try<cgroups::Layout>> owned;
    if (info.Length() > 2 && !isAbsent(info[2])) {
      owned.emplace(layoutArgument(info[2]));
    } else if (info.Length() > 3 && !isAbsent(info[3])) {
      owned.emplace(cgroups::detect(stringArgument(info[3], "new CgroupManager: mountinfoPath")));
    }
    const Try<cgroups::Layout>& layout = owned ? *owned : cgroups::systemLayout();
    if (layout.isError()) throw cgroupsError(env, kDetectFailed, layout.error());
    manager_ = valueOr(env, cgroups::createCgroupManager(layout.get(), root, controllers));
  }

 private:
  // The container id argument of `method`: a string; its rules are checked by the manager.
  std::string containerId(const Napi::CallbackInfo& info, const char* method) const {
    requireArgumentCount(info, (std::string("CgroupManager.") + method + "(containerId)").c_str(),
                         1, 1);
    return stringArgument(info[0], std::string("CgroupManager.") + method + ": containerId");
  }

  // mode(): 'v1' | 'v2' (the backend; hybrid hosts use v1)
  Napi::Value Mode(const Napi::CallbackInfo& info) {
    requireArgumentCount(info, "CgroupManager.mode()", 0, 0);
    return Napi::String::New(info.Env(), std::string(cgroups::modeName(manager_->mode())));
  }

  // prepare(): undefined
  Napi::Value Prepare(const Napi::CallbackInfo& info) {
    requireArgumentCount(info, "CgroupManager.prepare()", 0, 0);
    valueOr(info.Env(), manager_->prepare());
    return info.Env().Undefined();
  }

  // paths(containerId): string[]
  Napi::Value Paths(const Napi::CallbackInfo& info) {
    const std::string id = containerId(info, "paths");
    return stringArray(info.Env(), valueOr(info.Env(), manager_->paths(id)));
  }

  // create(containerId): string[]
  Napi::Value Create(const Napi::CallbackInfo& info) {
    const std::string id = containerId(info, "create");
    return stringArray(info.Env(), valueOr(info.Env(), manager_->create(id)));
  }

  // update(containerId, cpus: number, cfsQuota: boolean, memoryBytes?: number,
  //        pidsMax?: number): undefined
  Napi::Value Update(const Napi::CallbackInfo& info) {
    requireArgumentCount(info,
                         "CgroupManager.update(containerId, cpus, cfsQuota, memoryBytes?, pidsMax?)",
                         3, 5);
    Napi::Env env = info.Env();
    const std::string id = stringArgument(info[0], "CgroupManager.update: containerId");
    if (!info[1].IsNumber()) {
      throw Napi::TypeError::New(env, "CgroupManager.update: cpus must be a number, got " +
                                          describe(info[1]));
    }
    if (!info[2].IsBoolean()) {
      throw Napi::TypeError::New(env, "CgroupManager.update: cfsQuota must be a boolean, got " +
                                          describe(info[2]));
    }
    cgroups::Limits limits;
    limits.cpus = info[1].As<Napi::Number>().DoubleValue();
    limits.cfsQuota = info[2].As<Napi::Boolean>().Value();
    limits.memoryBytes = optionalCount(info[3], "CgroupManager.update: memoryBytes");
    limits.pidsMax = optionalCount(info[4], "CgroupManager.update: pidsMax");
    if (std::optional<Error> invalid = cgroups::validateLimits(limits)) {
      throw Napi::RangeError::New(env, "CgroupManager.update: " + invalid->message);
    }
    valueOr(env, manager_->update(id, limits));
    return env.Undefined();
  }

  // statistics(containerId): { cpusUserTimeSecs, cpusSystemTimeSecs, memRssBytes, memUsageBytes,
  //   memLimitBytes?, pidsCurrent?, oomKills, underOom }
  Napi::Value Statistics(const Napi::CallbackInfo& info) {
    const std::string id = containerId(info, "statistics");
    Napi::Env env = info.Env();
    const cgroups::Statistics stats = valueOr(env, manager_->statistics(id));
    Napi::Object out = Napi::Object::New(env);
    out.Set("cpusUserTimeSecs", stats.cpusUserTimeSecs);
    out.Set("cpusSystemTimeSecs", stats.cpusSystemTimeSecs);
    out.Set("memRssBytes", static_cast<double>(stats.memRssBytes));
    out.Set("memUsageBytes", static_cast<double>(stats.memUsageBytes));
    if (stats.memLimitBytes) out.Set("memLimitBytes", static_cast<double>(*stats.memLimitBytes));
    if (stats.pidsCurrent) out.Set("pidsCurrent", static_cast<double>(*stats.pidsCurrent));
    out.Set("oomKills", static_cast<double>(stats.oomKills));
    out.Set("underOom", stats.underOom);
    return out;
  }

  // pids(containerId): number[]
  Napi::Value Pids(const Napi::CallbackInfo& info) {
    const std::string id = containerId(info, "pids");
    const std::vector<pid_t> pids = valueOr(info.Env(), manager_->pids(id));
    Napi::Array out = Napi::Array::New(info.Env(), pids.size());
    for (std::uint32_t i = 0; i < pids.size(); ++i) out.Set(i, pids[i]);
    return out;
  }

  // kill(containerId): undefined
  Napi::Value Kill(const Napi::CallbackInfo& info) {
    const std::string id = containerId(info, "kill");
    valueOr(info.Env(), manager_->kill(id));
    return info.Env().Undefined();
  }

  // destroy(containerId): undefined
  Napi::Value Destroy(const Napi::CallbackInfo& info) {
    const std::string id = containerId(info, "destroy");
    valueOr(info.Env(), manager_->destroy(id));
    return info.Env().Undefined();
  }

  // containers(): string[]
  Napi::Value Containers(const Napi::CallbackInfo& info) {
    requireArgumentCount(info, "CgroupManager.containers()", 0, 0);
    return stringArray(info.Env(), valueOr(info.Env(), manager_->containers()));
  }

  // Set by the constructor, which throws rather than leave it empty.
  std::unique_ptr<cgroups::CgroupManager> manager_;
};

}  // namespace

void registerCgroups(Napi::Env env, Napi::Object exports) {
  exports.Set("detectCgroups", Napi::Function::New(env, DetectCgroups, "detectCgroups"));
  exports.Set("CgroupManager", CgroupManagerWrap::define(env));
}

}  // namespace mesos::binding
