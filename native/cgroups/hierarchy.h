// Which cgroup hierarchies this host has, detected once from mountinfo.
//
// Every later cgroup operation needs to know where a controller lives: under cgroups v1 each
// controller (or group of co-mounted controllers, like cpu,cpuacct) has its own mount; under v2
// there is one unified hierarchy; "hybrid" hosts (systemd's default for years, and this dev
// machine) have v1 controller mounts plus a cgroup2 mount that carries no controllers. The answer
// comes from the mount table alone, in the format of proc(5) /proc/<pid>/mountinfo:
//
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//   (1)(2) (3)  (4)   (5)      (6)       (7)   (8) (9)   (10)        (11)
//
//   (1) mount id, (2) parent mount id, (3) major:minor, (4) root of the mount within its
//   filesystem, (5) mount point, (6) per-mount options, (7) zero or more optional fields,
//   (8) the separator "-", (9) filesystem type, (10) mount source, (11) superblock options.
//
// Fields are separated by single spaces; the kernel writes space, tab, newline and backslash inside
// a field as a backslash and three octal digits (a space is \040).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/try.h"

namespace mesos::cgroups {

inline constexpr std::string_view kDefaultMountInfoPath = "/proc/self/mountinfo";

// One line of mountinfo, with the escapes of its text fields decoded.
struct MountInfoEntry {
  int mountId = 0;
  int parentId = 0;
  unsigned major = 0;
  unsigned minor = 0;
  // Not necessarily a path: nsfs mounts have roots like "net:[4026531993]".
  std::string root;
  // Always absolute.
  std::string mountPoint;
  std::string mountOptions;
  std::vector<std::string> optionalFields;
  std::string fsType;
  // May be empty: the kernel prints whatever source string the mount was made with.
  std::string source;
  std::string superOptions;
};

// Parses one line (without its newline). The error says which field is wrong and why.
Try<MountInfoEntry> parseMountInfoLine(std::string_view line);

// Parses a whole mountinfo text. Blank lines are skipped; any other malformed line fails the whole
// parse, with an error of the form "<origin>:<line number>: malformed mountinfo line (<reason>):
// <the line>", because guessing around a line we do not understand could mean guessing wrong
// about where a cgroup hierarchy is.
Try<std::vector<MountInfoEntry>> parseMountInfo(std::string_view text, std::string_view origin);

enum class Mode {
  // Only v1 controller hierarchies are mounted.
  V1,
  // Controllers are only available through the cgroup2 hierarchy.
  V2,
  // v1 controller hierarchies and a cgroup2 hierarchy are both mounted; the controllers are the v1
  // ones, because the kernel binds each controller to one hierarchy at a time.
  Hybrid,
};

// "v1", "v2" or "hybrid", the spelling the JS API uses.
std::string_view modeName(Mode mode);

struct Layout {
  Mode mode = Mode::V1;
  // v1 controller name -> mount point. Co-mounted controllers share a mount point
  // ({"cpu": "/sys/fs/cgroup/cpu,cpuacct", "cpuacct": "/sys/fs/cgroup/cpu,cpuacct"}).
  std::map<std::string, std::string> v1;
  // Named v1 hierarchies without a controller (mounted with -o name=<name>, like systemd's
  // "systemd"): name -> mount point. They never count as controllers.
  std::map<std::string, std::string> named;
  // The mount point of the cgroup2 hierarchy, if one is mounted.
  std::optional<std::string> v2;
};

// The layout described by a parsed mount table.
//
// Only visible mounts count: a mount is hidden when another mount sits exactly on top of it (its
// child at the same mount point) or when its parent is hidden, because its path then leads
// somewhere else. If a controller (or cgroup2) is still visible at several places, the first in
// mountinfo order wins. The mode follows from the controllers, not from where things are
// mounted: V1 when v1 controllers are mounted and cgroup2 is not, Hybrid when both are, V2 when
// cgroup2 is mounted and no v1 controller is. mountinfo cannot say which controllers the cgroup2
// hierarchy has enabled (its cgroup.controllers file does); the v2 backend reads that.
// Fails when no cgroup hierarchy is mounted, when two lines share a mount id, or when parent ids
// form a cycle. `origin` names the source in error messages.
Try<Layout> layoutOf(const std::vector<MountInfoEntry>& entries, std::string_view origin);

// Reads and parses the mountinfo file at `mountInfoPath`, and returns its layout. Errors quote the
// system call and the path (`open("/nope"): No such file or directory`) or the line at fault.
Try<Layout> detect(const std::string& mountInfoPath = std::string(kDefaultMountInfoPath));

// detect() on /proc/self/mountinfo, run the first time this is called and remembered for the life
// of the process: cgroup hierarchies are mounted at boot, and every operation asking again would
// only add cost and chances to see a half-changed table. Thread-safe.
const Try<Layout>& systemLayout();

}  // namespace mesos::cgroups
