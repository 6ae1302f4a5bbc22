// Linux namespaces for a container: which ones exist (a data table of name -> CLONE_NEW* flag),
// parsing the `--namespaces=` list, and the steps that run inside freshly cloned namespaces.
//
// The setup steps are meant for the cloned task process only, between clone() and exec(): they
// change the calling process's mount table, hostname and network interfaces, which is harmless
// exactly there because the namespaces are the task's own. Each returns std::nullopt on success
// or an Error quoting the system call and the path.
#pragma once

#include <sched.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "common/try.h"

namespace mesos::cgroups {

struct NamespaceKind {
  // The name used on the command line (and by Mesos's isolators: namespaces/pid, namespaces/ipc).
  std::string_view name;
  int cloneFlag;
};

// Every namespace the launcher can create, in the order the usage text lists them. User and
// cgroup namespaces are deliberately absent: the launcher runs tasks as root or as a plain user,
// never as a mapped "root", and the agent, not the task, manages the task's cgroups.
inline constexpr std::array<NamespaceKind, 5> kNamespaceKinds = {{
    {"pid", CLONE_NEWPID},
    {"mount", CLONE_NEWNS},
    {"uts", CLONE_NEWUTS},
    {"ipc", CLONE_NEWIPC},
    {"net", CLONE_NEWNET},
}};

// The CLONE_NEW* flags of a comma-separated list like "pid,uts". The empty list means no new
// namespace; repeated names are harmless. "pid" implies "mount", because a new pid namespace needs
// its own /proc and mounting one outside a private mount namespace would replace the host's.
// Fails on an unknown or empty name, naming it and the known ones.
Try<int> parseNamespaces(std::string_view list);

// The names of the namespaces in `flags`, comma-separated in table order ("pid,mount").
std::string namespaceNames(int flags);

// Makes every mount recursively private, so that nothing the task mounts propagates to the host
// and nothing the host mounts later appears in the task. Must come first in a new mount namespace:
// the copy inherits the host's shared propagation (systemd makes / shared).
std::optional<Error> makeMountsPrivate();

// Mounts a fresh procfs on `target` (nosuid, nodev, noexec), creating the directory if missing. In
// a new pid namespace this is what makes /proc show the task's processes instead of the host's.
std::optional<Error> mountProc(const std::string& target);

// Turns `rootfs` into the root directory of the calling process's mount namespace: bind-mounts
// `rootfs` onto itself (pivot_root needs a mount point), bind-mounts `sandbox` at `sandboxMount`
// inside it (creating the directories), pivot_root()s into it and detaches the old root, leaving
// the working directory at the new "/". Requires a private mount namespace (makeMountsPrivate()).
std::optional<Error> pivotInto(const std::string& rootfs, const std::string& sandbox,
                               const std::string& sandboxMount);

// Brings the loopback interface up. A new network namespace starts with "lo" down, and most
// programs expect 127.0.0.1 to work.
std::optional<Error> bringUpLoopback();

// sethostname(), valid only in the task's own uts namespace.
std::optional<Error> setHostname(const std::string& hostname);

}  // namespace mesos::cgroups
