#include "cgroups/containerizer_cli.h"

#include <cstdio>
#include <string>

#include "cgroups/hierarchy.h"

namespace mesos::cgroups {

namespace {

constexpr std::string_view kUsage =
    "usage: mesos-containerizer <command> [flags]\n"
    "\n"
    "commands:\n"
    "  cgroups [--mountinfo=<path>]   print the detected cgroup layout as JSON\n"
    "                                 (default mountinfo: /proc/self/mountinfo)\n"
    "  launch                         start a container (not implemented yet)\n"
    "  help, --help, -h               print this message\n"
    "\n"
    "exit status: 0 success, 1 the command failed, 2 usage error\n";

int usageError(std::ostream& err, const std::string& message) {
  err << "mesos-containerizer: " << message << "\n\n" << kUsage;
  return kExitUsage;
}

// A JSON string literal. Mount points are arbitrary bytes; bytes below 0x20 are escaped, others
// are passed through (mountinfo paths are UTF-8 in practice, and JSON readers replace invalid
// sequences rather than fail).
std::string jsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", byte);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

int printCgroups(std::span<const std::string_view> flags, std::ostream& out, std::ostream& err) {
  std::string mountInfoPath(kDefaultMountInfoPath);
  for (std::string_view flag : flags) {
    constexpr std::string_view kMountInfo = "--mountinfo=";
    if (flag.starts_with(kMountInfo)) {
      mountInfoPath = std::string(flag.substr(kMountInfo.size()));
    } else {
      return usageError(err, "cgroups: unknown flag '" + std::string(flag) + "'");
    }
  }
  const Try<Layout> layout = detect(mountInfoPath);
  if (layout.isError()) {
    err << "mesos-containerizer: cgroups: " << layout.error().message << "\n";
    return kExitFailure;
  }
  out << "{\"mode\":" << jsonString(modeName(layout.get().mode)) << ",\"v1\":{";
  bool first = true;
  for (const auto& [controller, mountPoint] : layout.get().v1) {
    out << (first ? "" : ",") << jsonString(controller) << ":" << jsonString(mountPoint);
    first = false;
  }
  out << "}";
  if (layout.get().v2) out << ",\"v2\":" << jsonString(*layout.get().v2);
  out << "}\n";
  return kExitSuccess;
}

}  // namespace

int runContainerizer(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  if (args.empty()) return usageError(err, "no command given");
  const std::string_view command = args.front();
  const std::span<const std::string_view> flags = args.subspan(1);
  if (command == "help" || command == "--help" || command == "-h") {
    out << kUsage;
    return kExitSuccess;
  }
  if (command == "cgroups") return printCgroups(flags, out, err);
  if (command == "launch") {
    // Namespaces, cgroup joining and exec arrive with the containerizer issue.
    err << "mesos-containerizer: launch: not implemented yet\n";
    return kExitFailure;
  }
  return usageError(err, "unknown command '" + std::string(command) + "'");
}

}  // namespace mesos::cgroups
