#include "cgroups/namespaces.h"

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mesos::cgroups {

namespace {

// mkdir -p with mode 0755 for every missing component.
std::optional<Error> makeDirectories(const std::string& path) {
  for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && ::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return Error::fromErrno("mkdir", prefix, errno);
    }
    if (slash == std::string::npos) return std::nullopt;
  }
}

}  // namespace

Try<int> parseNamespaces(std::string_view list) {
  int flags = 0;
  if (list.empty()) return flags;
  for (std::size_t start = 0;;) {
    const std::size_t comma = list.find(',', start);
    const std::string_view name = list.substr(start, comma - start);
    const NamespaceKind* found = nullptr;
    for (const NamespaceKind& kind : kNamespaceKinds) {
      if (kind.name == name) found = &kind;
    }
    if (found == nullptr) {
      std::string known;
      for (const NamespaceKind& kind : kNamespaceKinds) {
        known += (known.empty() ? "" : ", ") + std::string(kind.name);
      }
      return Error::plain("unknown namespace '" + std::string(name) + "' (known: " + known + ")");
    }
    flags |= found->cloneFlag;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if ((flags & CLONE_NEWPID) != 0) flags |= CLONE_NEWNS;
  return flags;
}

std::string namespaceNames(int flags) {
  std::string names;
  for (const NamespaceKind& kind : kNamespaceKinds) {
    if ((flags & kind.cloneFlag) != 0) names += (names.empty() ? "" : ",") + std::string(kind.name);
  }
  return names;
}

std::optional<Error> makeMountsPrivate() {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return Error::fromErrno("mount", "/", errno);
  }
  return std::nullopt;
}

std::optional<Error> mountProc(const std::string& target) {
  if (std::optional<Error> error = makeDirectories(target)) return error;
  if (::mount("proc", target.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return Error::fromErrno("mount", target, errno);
  }
  return std::nullopt;
}

std::optional<Error> pivotInto(const std::string& rootfs, const std::string& sandbox,
                               const std::string& sandboxMount) {
  if (::mount(rootfs.c_str(), rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return Error::fromErrno("mount", rootfs, errno);
  }
  // After the self bind-mount, so that the sandbox mount lives inside the new root's mount tree
  // and moves with it through pivot_root.
  const std::string target = rootfs + sandboxMount;
  if (std::optional<Error> error = makeDirectories(target)) return error;
  if (::mount(sandbox.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return Error::fromErrno("mount", target, errno);
  }
  // pivot_root(".", ".") stacks the old root on top of the new one at "/", and the lazy unmount
  // of "." then detaches it, without needing a directory for the old root inside the image.
  if (::chdir(rootfs.c_str()) != 0) return Error::fromErrno("chdir", rootfs, errno);
  if (::syscall(SYS_pivot_root, ".", ".") != 0) {
    return Error::fromErrno("pivot_root", rootfs, errno);
  }
  if (::umount2(".", MNT_DETACH) != 0) return Error::fromErrno("umount2", "/", errno);
  if (::chdir("/") != 0) return Error::fromErrno("chdir", "/", errno);
  return std::nullopt;
}

std::optional<Error> bringUpLoopback() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::fromErrno("socket", "lo", errno);
  struct ifreq request;
  std::memset(&request, 0, sizeof request);
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  std::optional<Error> error;
  if (::ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
    error = Error::fromErrno("ioctl(SIOCGIFFLAGS)", "lo", errno);
  } else {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
    if (::ioctl(fd, SIOCSIFFLAGS, &request) != 0) {
      error = Error::fromErrno("ioctl(SIOCSIFFLAGS)", "lo", errno);
    }
  }
  ::close(fd);
  return error;
}

std::optional<Error> setHostname(const std::string& hostname) {
  if (::sethostname(hostname.data(), hostname.size()) != 0) {
    return Error::fromErrno("sethostname", hostname, errno);
  }
  return std::nullopt;
}

}  // namespace mesos::cgroups
