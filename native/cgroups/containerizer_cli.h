// The command line of mesos-containerizer, separate from main() so that it is unit-tested
// without spawning a process.
//
// Exit statuses: 0 success, 1 the command failed, 2 usage error (unknown command or flag), the
// convention of most Unix tools and the one the agent relies on to tell a bug in how it invoked
// the launcher from a failure of the container.
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace mesos::cgroups {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// Runs the command named by `args` (argv without the program name), writing results to `out` and
// diagnostics to `err`, and returns the exit status.
int runContainerizer(std::span<const std::string_view> args, std::ostream& out, std::ostream& err);

// A JSON string literal, the one spelling of strings in every JSON mesos-containerizer writes.
// Bytes below 0x20 are escaped as \u00XX; others pass through (paths and messages are UTF-8 in
// practice, and JSON readers replace invalid sequences rather than fail).
std::string jsonString(std::string_view text);

}  // namespace mesos::cgroups
