// Cgroup path safety: the one place that turns container ids into cgroup directories, and the
// guard every destructive operation (freeze, kill, remove) must pass its path through.
//
// An agent owns exactly the cgroups below `<mount point>/<cgroups root>/` of each hierarchy (the
// cgroups root is Mesos's --cgroups_root, "mesos" by default). A path that resolves to the
// hierarchy's root, to the agent's root itself, or anywhere outside it belongs to the host or to
// other software: killing it could take down the machine. Container ids come from frameworks
// (nested containers) and from checkpoints on disk, so they are treated as hostile input.
//
// The checks are lexical: cgroup filesystems have no symbolic links, and mount points come from
// mountinfo, so a path that is lexically inside the agent's root is inside it on disk as well.
//
// Layout, as in Mesos: a top-level container's cgroup is `<mount>/<root>/<id>`, a nested container
// lives below its parent as `<mount>/<root>/<parent>/mesos/<child>`, and so on down the chain.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/try.h"

namespace mesos::cgroups {

inline constexpr std::string_view kDefaultCgroupsRoot = "mesos";

// The directory that holds a container's nested containers, below the container's own cgroup.
inline constexpr std::string_view kNestedContainersDirectory = "mesos";

// The longest path the kernel accepts (PATH_MAX including the terminating NUL), and the longest
// path component (NAME_MAX).
inline constexpr std::size_t kMaxPathLength = 4095;
inline constexpr std::size_t kMaxComponentLength = 255;

// Why `id` cannot be one level of a container id chain in a cgroup path, or nullopt if it can.
// Accepted: 1 to 255 characters from [A-Za-z0-9._-], other than "." and "..". This is stricter
// than what a path component may be, on purpose: no slash, no NUL, no control or shell characters.
std::optional<Error> validateContainerId(std::string_view id);

class CgroupPaths {
 public:
  // Paths below the hierarchy mounted at `mountPoint` (absolute, not "/", without "." or ".."
  // components; trailing slashes are dropped) for an agent whose cgroups root is `cgroupsRoot`
  // (relative, one or more components, each accepted by validateContainerId's rules).
  static Try<CgroupPaths> create(std::string_view mountPoint,
                                 std::string_view cgroupsRoot = kDefaultCgroupsRoot);

  const std::string& mountPoint() const { return mountPoint_; }
  const std::string& cgroupsRoot() const { return cgroupsRoot_; }
  // `<mount>/<root>`: the agent creates it, but no operation on a container may target it.
  const std::string& agentRoot() const { return agentRoot_; }

  // The cgroup of the top-level container `containerId`: `<mount>/<root>/<id>`.
  Try<std::string> container(std::string_view containerId) const;

  // The cgroup of a nested container, given its id chain from the outermost container inward:
  // {"a", "b", "c"} -> `<mount>/<root>/a/mesos/b/mesos/c`. The chain must not be empty.
  Try<std::string> container(std::span<const std::string> containerIdChain) const;

  // The guard. Returns `candidate` unchanged when it is an absolute path strictly below the
  // agent's root: every component non-empty, none "." or "..", each component below the root
  // accepted by validateContainerId's rules, no NUL, at most kMaxPathLength bytes. Otherwise an
  // Error that quotes the path and says which rule it breaks. The agent's root itself, the
  // hierarchy root and siblings such as `<root>-other/x` are refused.
  Try<std::string> checkContainer(std::string_view candidate) const;

 private:
  CgroupPaths(std::string mountPoint, std::string cgroupsRoot);

  // Invariants (established by create): mountPoint_ is absolute, normalized, not "/";
  // cgroupsRoot_ is relative and made of valid names; agentRoot_ == mountPoint_ + "/" +
  // cgroupsRoot_.
  std::string mountPoint_;
  std::string cgroupsRoot_;
  std::string agentRoot_;
};

}  // namespace mesos::cgroups
