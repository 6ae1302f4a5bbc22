#include "cgroups/path.h"

#include "common/text.h"

#include <cstdio>
#include <utility>
#include <vector>

namespace mesos::cgroups {

namespace {

bool isNameCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}


std::optional<std::string> nameProblem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name == "." || name == "..") return "is \".\" or \"..\"";
  if (name.size() > kMaxComponentLength) {
    return "is longer than " + std::to_string(kMaxComponentLength) + " characters";
  }
  for (char c : name) {
    if (!isNameCharacter(c)) return "has a character outside [A-Za-z0-9._-]";
  }
  return std::nullopt;
}

// Splits a path (without its leading slash, if absolute) on '/', keeping empty components so
// that "a//b" and "a/" can be refused rather than silently normalized.
std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = path.find('/', start);
    out.push_back(path.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

Error refused(std::string_view what, std::string_view value, const std::string& why) {
  return Error::plain(std::string(what) + " " + common::quoteBytes(value) + " " + why, value);
}

}  // namespace

std::optional<Error> validateContainerId(std::string_view id) {
  if (std::optional<std::string> problem = nameProblem(id)) {
    return refused("container id", id, *problem);
  }
  return std::nullopt;
}

CgroupPaths::CgroupPaths(std::string mountPoint, std::string cgroupsRoot)
    : mountPoint_(std::move(mountPoint)),
      cgroupsRoot_(std::move(cgroupsRoot)),
      agentRoot_(mountPoint_ + "/" + cgroupsRoot_) {}

Try<CgroupPaths> CgroupPaths::create(std::string_view mountPoint, std::string_view cgroupsRoot) {
  if (mountPoint.find('\0') != std::string_view::npos) {
    return refused("cgroup mount point", mountPoint, "contains a NUL byte");
  }
  if (!mountPoint.starts_with('/')) {
    return refused("cgroup mount point", mountPoint, "is not an absolute path");
  }
  std::string_view trimmed = mountPoint;
  while (trimmed.size() > 1 && trimmed.ends_with('/')) trimmed.remove_suffix(1);
  if (trimmed == "/") {
    // No cgroup hierarchy is mounted at the filesystem root; accepting it would make /<root>
    // a cgroup as far as this code is concerned.
    return refused("cgroup mount point", mountPoint, "is the filesystem root");
  }
  for (std::string_view component : components(trimmed.substr(1))) {
    if (component.empty()) return refused("cgroup mount point", mountPoint, "has an empty component");
    if (component == "." || component == "..") {
      return refused("cgroup mount point", mountPoint, "has a \".\" or \"..\" component");
    }
  }

  if (cgroupsRoot.starts_with('/')) {
    return refused("cgroups root", cgroupsRoot,
                   "is absolute; it must be relative to the hierarchy's mount point");
  }
  for (std::string_view component : components(cgroupsRoot)) {
    if (std::optional<std::string> problem = nameProblem(component)) {
      return refused("cgroups root", cgroupsRoot,
                     "has a component " + common::quoteBytes(component) + " that " + *problem);
    }
  }
  if (trimmed.size() + 1 + cgroupsRoot.size() > kMaxPathLength) {
    return refused("cgroups root", cgroupsRoot, "makes paths longer than the kernel accepts");
  }
  return CgroupPaths(std::string(trimmed), std::string(cgroupsRoot));
}

Try<std::string> CgroupPaths::container(std::string_view containerId) const {
  const std::string id(containerId);
  return container(std::span<const std::string>(&id, 1));
}

Try<std::string> CgroupPaths::container(std::span<const std::string> containerIdChain) const {
  if (containerIdChain.empty()) return Error::plain("a container id chain must not be empty");
  std::string path = agentRoot_;
  bool first = true;
  for (const std::string& id : containerIdChain) {
    if (std::optional<Error> error = validateContainerId(id)) return *std::move(error);
    if (!first) {
      path += '/';
      path += kNestedContainersDirectory;
    }
    path += '/';
    path += id;
    first = false;
  }
  // Hand the result to the guard as well, so that a path built here can never be one the guard
  // would refuse (for example one too long for the kernel).
  return checkContainer(path);
}

Try<std::string> CgroupPaths::checkContainer(std::string_view candidate) const {
  const char* const what = "cgroup path";
  if (candidate.find('\0') != std::string_view::npos) {
    return refused(what, candidate, "contains a NUL byte");
  }
  if (candidate.size() > kMaxPathLength) {
    return refused(what, candidate, "is longer than " + std::to_string(kMaxPathLength) + " bytes");
  }
  if (!candidate.starts_with('/')) return refused(what, candidate, "is not an absolute path");
  for (std::string_view component : components(candidate.substr(1))) {
    if (component.empty()) return refused(what, candidate, "has an empty component");
    if (component == "." || component == "..") {
      return refused(what, candidate, "has a \".\" or \"..\" component");
    }
  }
  // Inside means: the agent's root, then a slash, then at least one more component. Comparing
  // with the trailing slash keeps "<root>-other" and "<root>.old" out.
  const std::string prefix = agentRoot_ + "/";
  if (candidate == agentRoot_) {
    return refused(what, candidate, "is the agent's cgroups root itself, not a container's cgroup");
  }
  if (!candidate.starts_with(prefix)) {
    return refused(what, candidate, "is outside the agent's cgroups root " + common::quoteBytes(agentRoot_));
  }
  for (std::string_view component : components(candidate.substr(prefix.size()))) {
    if (std::optional<std::string> problem = nameProblem(component)) {
      return refused(what, candidate, "has a component " + common::quoteBytes(component) + " that " + *problem);
    }
  }
  return std::string(candidate);
}

}  // namespace mesos::cgroups
