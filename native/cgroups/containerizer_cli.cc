#include "cgroups/containerizer_cli.h"

#include <cstdio>
#include <string>

#include "cgroups/hierarchy.h"
#include "cgroups/launch.h"

namespace mesos::cgroups {

namespace {

constexpr std::string_view kUsage =
    "usage: mesos-containerizer <command> [flags]\n"
    "\n"
    "commands:\n"
    "  cgroups [--mountinfo=<path>]   print the detected cgroup layout as JSON\n"
    "                                 (default mountinfo: /proc/self/mountinfo)\n"
    "  launch [flags] -- <argv...>    start one task and supervise it until it ends (below)\n"
    "  help, --help, -h               print this message\n"
    "\n"
    "launch flags:\n"
    "  --run_dir=DIR        required, existing dir: the launcher writes pids and termination here\n"
    "  --sandbox=DIR        required, existing dir: the task's working directory; its stdout and\n"
    "                       stderr go to DIR/stdout and DIR/stderr (appended; created mode 0644,\n"
    "                       owned by --user). Opened without following symlinks: a symlink,\n"
    "                       FIFO, device, directory or hard-linked file there is a launch error\n"
    "  --environment=FILE   the task's environment: NAME=VALUE entries, each ended by a NUL byte\n"
    "                       (names non-empty, without '=', each once; values any other bytes).\n"
    "                       A malformed file is a launch error. The launcher never applies it to\n"
    "                       itself: the task execs with exactly these variables (none without\n"
    "                       the flag), plus PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:\n"
    "                       /usr/bin:/sbin:/bin when they set no PATH, and HOME, USER, LOGNAME\n"
    "                       from --user. The launcher's own environment never reaches the task;\n"
    "                       give the launcher a minimal one (PATH only): it runs as root\n"
    "  --shell              run the one argument as `/bin/sh -c <argument>`; without it, execvp\n"
    "                       argv (searching the task's PATH)\n"
    "  --namespaces=LIST    new namespaces, a comma list of pid,mount,uts,ipc,net; pid implies\n"
    "                       mount (the task gets a fresh /proc)\n"
    "  --hostname=NAME      the task's hostname; requires uts\n"
    "  --user=NAME          run as this user (its groups, uid and gid; HOME, USER and LOGNAME\n"
    "                       replaced), resolved on the host before anything is started\n"
    "  --rootfs=DIR         the task's root filesystem; requires mount. The sandbox is\n"
    "                       bind-mounted at --sandbox_mount inside it and becomes the working dir\n"
    "  --sandbox_mount=PATH where the sandbox appears inside --rootfs\n"
    "                       (default /mnt/mesos/sandbox)\n"
    "  --cgroup=DIR         repeatable: a cgroup v1 directory the task joins before it execs\n"
    "  --cgroup2=DIR        the cgroup v2 directory the task starts in (clone3 CLONE_INTO_CGROUP)\n"
    "  --memory_cgroup=DIR  the memory cgroup (v1 or v2) whose OOM kills end the task\n"
    "\n"
    "launch results:\n"
    "  stdout: one line, {\"pid\":<task pid>,\"launcher_pid\":<pid>} once the task has exec'd,\n"
    "          or {\"error\":\"<message>\"} when the launch failed\n"
    "  <run_dir>/pids: the same JSON as the success line, written before it\n"
    "  <run_dir>/termination: written once the task ended or failed to launch:\n"
    "    {\"status\":<wait status>,\"exit_code\":N | \"signal\":N,\"oom\":true|false,\n"
    "     [\"launch_error\":\"<message>\",]\"message\":\"Command exited with status N\"}\n"
    "  SIGTERM and SIGINT sent to the launcher are forwarded to the task's process group (in a\n"
    "  pid namespace the task, its init, ignores signals it has no handler for; its other\n"
    "  processes get them). An OOM kill of --memory_cgroup SIGKILLs the task.\n"
    "\n"
    "exit status: 0 success (for launch: the task ran, whatever its own status), 1 the command\n"
    "failed, 2 usage error\n";

int usageError(std::ostream& err, const std::string& message) {
  err << "mesos-containerizer: " << message << "\n\n" << kUsage;
  return kExitUsage;
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

int launchCommand(std::span<const std::string_view> flags, std::ostream& out, std::ostream& err) {
  const Try<LaunchOptions> options = parseLaunchFlags(flags);
  if (options.isError()) {
    // One line: the launcher's stderr is a file in the agent's run directory, read by people.
    err << "mesos-containerizer: launch: " << options.error().message
        << " (see mesos-containerizer help)\n";
    return kExitUsage;
  }
  return launch(options.get(), out, err);
}

}  // namespace

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

int runContainerizer(std::span<const std::string_view> args, std::ostream& out, std::ostream& err) {
  if (args.empty()) return usageError(err, "no command given");
  const std::string_view command = args.front();
  const std::span<const std::string_view> flags = args.subspan(1);
  if (command == "help" || command == "--help" || command == "-h") {
    out << kUsage;
    return kExitSuccess;
  }
  if (command == "cgroups") return printCgroups(flags, out, err);
  if (command == "launch") return launchCommand(flags, out, err);
  return usageError(err, "unknown command '" + std::string(command) + "'");
}

}  // namespace mesos::cgroups
