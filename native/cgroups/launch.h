// `mesos-containerizer launch`: starts one task in its namespaces and cgroups, then supervises it
// until it ends and records how it ended (ARCHITECTURE.md section 4, mesos-api.md section 7
// "Launch path").
//
// Process model. The agent spawns one launcher per container, detached, with a fixed minimal
// environment of its own (PATH only). The launcher runs as root until the task switches user, so
// nothing framework-controlled may reach its own environment: LD_PRELOAD, LD_LIBRARY_PATH,
// GCONV_PATH and the like would run framework code as root in the dynamic loader or libc. The
// task's environment comes instead in a file (--environment), read before cloning and given only
// to the task's exec. The launcher clones the task (new namespaces, fork-like copy of the
// launcher), places it in the cgroups while it waits on a pipe, lets it exec, and stays outside
// every container cgroup itself: killing the container never kills the launcher, so the end is
// always reported. The launcher ignores SIGHUP and SIGPIPE so that it outlives the agent.
//
//   agent ──spawn──> launcher ──clone(CLONE_NEW*)──> task: waits for "go", sets up, execs
//                      │  writes the task's pid to <cgroup>/cgroup.procs, sends "go"
//                      │  reads the error pipe: EOF = exec succeeded, bytes = why it failed
//                      │  <run_dir>/pids, then one JSON line on stdout
//                      └─ poll(signalfd, OOM fd) ... waitpid ─> <run_dir>/termination, exit 0
//
// The sandbox is framework-writable (fetched archives are extracted into it), yet the task's
// <sandbox>/stdout and <sandbox>/stderr are opened by root: relative to an O_DIRECTORY|O_NOFOLLOW
// descriptor of the sandbox, with O_NOFOLLOW, and anything but a regular file with a single link
// (a symlink, FIFO, device, directory, hard link) is a launch error. Files the launcher creates
// belong to --user, like Mesos's sandbox files.
//
// Contract with the agent (also in the usage text of containerizer_cli.cc):
// - stdout gets exactly one line: {"pid":<task pid>,"launcher_pid":<pid>} once the task has
//   exec'd, or {"error":"<message>"} when the launch failed.
// - <run_dir>/pids holds the same JSON as the success line, written atomically before that line.
// - <run_dir>/termination is written atomically once, when the task has ended or failed to launch:
//   {"status":<raw wait status>,"exit_code":N,"oom":false,"message":"Command exited with status N"}
//   {"status":S,"signal":N,"oom":true,"message":"Memory limit exceeded"}
//   {"status":S,"exit_code":127,"oom":false,"launch_error":"<why>","message":"<why>"}
//   {"oom":false,"launch_error":"<why>","message":"<why>"}   (failed before a process existed)
// - SIGTERM and SIGINT sent to the launcher are forwarded to the task's process group. The init of
//   a pid namespace (the task itself) ignores signals it has no handler for, so a graceful kill of
//   such a task may need the agent's escalation (SIGKILL to the task pid, or the cgroup).
// - An OOM notification of --memory_cgroup SIGKILLs the task (its whole pid namespace, or its
//   process group) and sets "oom":true.
// - Exit status: 0 when the task ran (whatever its own status), 1 when the launch failed or the
//   result could not be recorded, 2 for a usage error (nothing is launched or written then).
// - The task's environment is exactly the --environment file's entries (none without the flag),
//   plus PATH=kDefaultTaskPath when they have no PATH, with HOME, USER and LOGNAME replaced when
//   --user is given. The program is searched in that PATH, never in the launcher's.
#pragma once

#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/try.h"

namespace mesos::cgroups {

// Where the sandbox appears inside a --rootfs, as in Mesos's --sandbox_directory.
inline constexpr std::string_view kDefaultSandboxMount = "/mnt/mesos/sandbox";

// The task's PATH when its environment has none (Mesos's default for command tasks).
inline constexpr std::string_view kDefaultTaskPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// The parsed command line of `launch`. Every path is absolute (the parser checks).
struct LaunchOptions {
  std::string runDir;
  std::string sandbox;
  // true: argv holds exactly one element, run as `/bin/sh -c <argv[0]>`.
  bool shell = false;
  // CLONE_NEW* flags; CLONE_NEWPID implies CLONE_NEWNS (see parseNamespaces).
  int namespaces = 0;
  // Only with CLONE_NEWUTS.
  std::optional<std::string> hostname;
  std::optional<std::string> user;
  // The file holding the task's environment (see parseEnvironment); none: an empty environment.
  std::optional<std::string> environmentFile;
  // Only with CLONE_NEWNS.
  std::optional<std::string> rootfs;
  std::string sandboxMount = std::string(kDefaultSandboxMount);
  // cgroup v1 directories the task joins by writing its pid to cgroup.procs.
  std::vector<std::string> cgroups;
  // The cgroup v2 directory the task is cloned into.
  std::optional<std::string> cgroup2;
  // The memory cgroup (v1 or v2) watched for OOM kills.
  std::optional<std::string> memoryCgroup;
  // Never empty.
  std::vector<std::string> argv;
};

// Parses the arguments of `launch` (argv after the command name). An Error here is a usage error:
// its message is one line, without the program name.
Try<LaunchOptions> parseLaunchFlags(std::span<const std::string_view> args);

// Parses the content of an --environment file: a sequence of `NAME=VALUE` entries, each ended
// by a NUL byte (the format of /proc/<pid>/environ), so that values may hold any other byte,
// newlines and '=' included. An empty file is the empty environment. Every entry must be
// terminated, have a non-empty NAME (which cannot contain '=': the first '=' ends it), and name a
// variable no earlier entry names. Returns the entries in file order, or an Error whose message
// (one line) says which entry is wrong.
Try<std::vector<std::string>> parseEnvironment(std::string_view content);

// The environment the task execs with: `entries` (from parseEnvironment), PATH=kDefaultTaskPath
// appended when no entry sets PATH, and, for a user switch, HOME, USER and LOGNAME replaced by
// the given values (appended after the others).
struct UserVariables {
  std::string home;
  std::string name;
};
std::vector<std::string> taskEnvironment(std::vector<std::string> entries,
                                         const std::optional<UserVariables>& user);

// How a launch ended, the content of <run_dir>/termination.
struct Termination {
  // The raw wait status, when a task process existed and was reaped.
  std::optional<int> status;
  bool oom = false;
  // Why the task never started (it failed before or instead of exec).
  std::optional<std::string> launchError;
};

// Mesos's wording for the task status message: "Command exited with status 1", "Command
// terminated with signal Killed", "Memory limit exceeded", or the launch error.
std::string terminationMessage(const Termination& termination);

// The JSON object written to <run_dir>/termination, without a trailing newline.
std::string terminationJson(const Termination& termination);

// Launches and supervises the task described by `options`. `out` receives the one result line,
// `err` one line per failure. Returns the exit status (see the contract above). Changes the
// calling process's signal dispositions and mask, so it belongs in a process of its own.
int launch(const LaunchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mesos::cgroups
