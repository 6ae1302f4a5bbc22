#include "cgroups/hierarchy.h"

#include <cerrno>
#include <cstdint>
#include <string>

#include "test/check.h"
#include "test/temp_dir.h"

using mesos::Try;
using mesos::cgroups::detect;
using mesos::cgroups::Layout;
using mesos::cgroups::layoutOf;
using mesos::cgroups::Mode;
using mesos::cgroups::modeName;
using mesos::cgroups::MountInfoEntry;
using mesos::cgroups::parseMountInfo;
using mesos::cgroups::parseMountInfoLine;
using mesos::cgroups::systemLayout;
using mesos::test::TempDir;

namespace {

// The shape of this development machine's /proc/self/mountinfo (Debian 12 in a VM with the
// cgroups mounted by hand): one v1 mount per controller, a named systemd hierarchy, and a cgroup2
// mount without controllers at /sys/fs/cgroup/unified. /dev/pts is mounted twice on purpose.
constexpr std::string_view kThisMachine =
    "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
    "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
    "24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334460k,nr_inodes=3083615,mode=755\n"
    "25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24684084k\n"
    "26 24 0:24 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000\n"
    "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n"
    "29 26 0:26 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio\n"
    "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

// A current systemd distribution: the unified hierarchy at /sys/fs/cgroup, nothing else.
constexpr std::string_view kPureV2 =
    "22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "28 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro\n"
    "26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";

// systemd's hybrid layout (Ubuntu 20.04, Debian 10): co-mounted controllers, the unified
// hierarchy for systemd's own tracking, optional fields on every line.
constexpr std::string_view kHybrid =
    "21 28 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "28 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "30 21 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 "
    "cgroup2 rw,nsdelegate\n"
    "32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup "
    "cgroup rw,xattr,name=systemd\n"
    "35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:15 - cgroup "
    "cgroup rw,cpu,cpuacct\n"
    "36 30 0:32 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:16 - "
    "cgroup cgroup rw,net_cls,net_prio\n"
    "37 30 0:33 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:17 - cgroup "
    "cgroup rw,memory\n";

// CentOS 7: v1 only, with the release agent option systemd sets on its named hierarchy.
constexpr std::string_view kV1Only =
    "18 62 0:17 / /sys rw,nosuid,nodev,noexec,relatime shared:6 - sysfs sysfs rw\n"
    "62 1 253:0 / / rw,relatime shared:1 - xfs /dev/mapper/centos-root rw,attr2,inode64\n"
    "24 18 0:20 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:7 - tmpfs tmpfs ro,mode=755\n"
    "25 24 0:21 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:8 - cgroup "
    "cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd\n"
    "28 24 0:24 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:10 - cgroup "
    "cgroup rw,cpuacct,cpu\n"
    "30 24 0:26 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:12 - cgroup "
    "cgroup rw,freezer\n";

Try<Layout> layoutFromText(std::string_view text) {
  Try<std::vector<MountInfoEntry>> entries = parseMountInfo(text, "fake");
  if (entries.isError()) return entries.error();
  return layoutOf(entries.get(), "fake");
}

// The error of parsing one line as a whole mountinfo file, or "" if it parsed.
std::string parseError(std::string_view line) {
  Try<std::vector<MountInfoEntry>> entries = parseMountInfo(line, "fake");
  return entries.isError() ? entries.error().message : "";
}

}  // namespace

TEST(parses_every_field_of_a_line) {
  const Try<MountInfoEntry> entry = parseMountInfoLine(
      "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue");
  REQUIRE_OK(entry);
  const MountInfoEntry& e = entry.get();
  CHECK_EQ(e.mountId, 36);
  CHECK_EQ(e.parentId, 35);
  CHECK_EQ(e.major, 98u);
  CHECK_EQ(e.minor, 0u);
  CHECK_EQ(e.root, "/mnt1");
  CHECK_EQ(e.mountPoint, "/mnt2");
  CHECK_EQ(e.mountOptions, "rw,noatime");
  REQUIRE_EQ(e.optionalFields.size(), 2);
  CHECK_EQ(e.optionalFields[0], "master:1");
  CHECK_EQ(e.optionalFields[1], "shared:2");
  CHECK_EQ(e.fsType, "ext3");
  CHECK_EQ(e.source, "/dev/root");
  CHECK_EQ(e.superOptions, "rw,errors=continue");
}

TEST(accepts_roots_that_are_not_paths_and_empty_sources) {
  // nsfs roots look like "net:[4026532281]"; a mount made with an empty source string prints an
  // empty field 10.
  const Try<MountInfoEntry> entry =
      parseMountInfoLine("50 25 0:4 net:[4026532281] /run/netns/a rw shared:5 - nsfs  rw");
  REQUIRE_OK(entry);
  CHECK_EQ(entry.get().root, "net:[4026532281]");
  CHECK_EQ(entry.get().source, "");
}

TEST(this_machine_is_hybrid_with_one_mount_per_controller) {
  const Try<Layout> layout = layoutFromText(kThisMachine);
  REQUIRE_OK(layout);
  const Layout& l = layout.get();
  CHECK(l.mode == Mode::Hybrid);
  CHECK_EQ(modeName(l.mode), "hybrid");
  CHECK_EQ(l.v1.size(), 8);
  CHECK_EQ(l.v1.at("cpu"), "/sys/fs/cgroup/cpu");
  CHECK_EQ(l.v1.at("cpuacct"), "/sys/fs/cgroup/cpuacct");
  CHECK_EQ(l.v1.at("cpuset"), "/sys/fs/cgroup/cpuset");
  CHECK_EQ(l.v1.at("memory"), "/sys/fs/cgroup/memory");
  CHECK_EQ(l.v1.at("devices"), "/sys/fs/cgroup/devices");
  CHECK_EQ(l.v1.at("freezer"), "/sys/fs/cgroup/freezer");
  CHECK_EQ(l.v1.at("blkio"), "/sys/fs/cgroup/blkio");
  CHECK_EQ(l.v1.at("pids"), "/sys/fs/cgroup/pids");
  // name=systemd is a named hierarchy, not a controller.
  CHECK(l.v1.count("systemd") == 0);
  CHECK(l.v1.count("name=systemd") == 0);
  CHECK_EQ(l.named.at("systemd"), "/sys/fs/cgroup/systemd");
  REQUIRE(l.v2.has_value());
  CHECK_EQ(*l.v2, "/sys/fs/cgroup/unified");
}

TEST(pure_v2_layout) {
  const Try<Layout> layout = layoutFromText(kPureV2);
  REQUIRE_OK(layout);
  CHECK(layout.get().mode == Mode::V2);
  CHECK_EQ(modeName(layout.get().mode), "v2");
  CHECK(layout.get().v1.empty());
  CHECK(layout.get().named.empty());
  CHECK_EQ(layout.get().v2.value_or(""), "/sys/fs/cgroup");
}

TEST(hybrid_layout_with_co_mounted_controllers) {
  const Try<Layout> layout = layoutFromText(kHybrid);
  REQUIRE_OK(layout);
  const Layout& l = layout.get();
  CHECK(l.mode == Mode::Hybrid);
  // Co-mounted controllers share one mount point; the comma in it is part of the directory name.
  CHECK_EQ(l.v1.at("cpu"), "/sys/fs/cgroup/cpu,cpuacct");
  CHECK_EQ(l.v1.at("cpuacct"), "/sys/fs/cgroup/cpu,cpuacct");
  CHECK_EQ(l.v1.at("net_cls"), "/sys/fs/cgroup/net_cls,net_prio");
  CHECK_EQ(l.v1.at("net_prio"), "/sys/fs/cgroup/net_cls,net_prio");
  CHECK_EQ(l.v1.at("memory"), "/sys/fs/cgroup/memory");
  CHECK_EQ(l.v1.size(), 5);
  // "xattr" and "rw" are mount options, not controllers.
  CHECK(l.v1.count("xattr") == 0);
  CHECK(l.v1.count("rw") == 0);
  CHECK_EQ(l.v2.value_or(""), "/sys/fs/cgroup/unified");
}

TEST(v1_only_layout) {
  const Try<Layout> layout = layoutFromText(kV1Only);
  REQUIRE_OK(layout);
  CHECK(layout.get().mode == Mode::V1);
  CHECK_EQ(modeName(layout.get().mode), "v1");
  CHECK(!layout.get().v2.has_value());
  CHECK_EQ(layout.get().v1.size(), 3);
  CHECK_EQ(layout.get().v1.at("cpu"), "/sys/fs/cgroup/cpu,cpuacct");
  CHECK_EQ(layout.get().named.at("systemd"), "/sys/fs/cgroup/systemd");
}

TEST(decodes_octal_escapes) {
  // \040 is a space, \011 a tab, \012 a newline, \134 a backslash.
  const Try<MountInfoEntry> entry = parseMountInfoLine(
      "40 1 0:37 /a\\134b /tmp/my\\040cgroups/mem\\011ory\\012x rw - cgroup we\\040ird "
      "rw,memory");
  REQUIRE_OK(entry);
  CHECK_EQ(entry.get().root, "/a\\b");
  CHECK_EQ(entry.get().mountPoint, "/tmp/my cgroups/mem\tory\nx");
  CHECK_EQ(entry.get().source, "we ird");

  const Try<Layout> layout = layoutFromText(
      "1 0 0:1 / / rw - ext4 /dev/vda rw\n"
      "40 1 0:37 / /tmp/my\\040cgroups/memory rw - cgroup cgroup rw,memory\n");
  REQUIRE_OK(layout);
  CHECK_EQ(layout.get().v1.at("memory"), "/tmp/my cgroups/memory");
}

TEST(malformed_lines_fail_with_line_number_and_reason) {
  struct Case {
    std::string_view line;
    std::string_view reason;
  };
  const Case cases[] = {
      {"36 35 98:0 /mnt1 /mnt2 rw - ext3", "expected at least 10 space-separated fields, found 8"},
      {"36 35 98:0 /mnt1 /mnt2 rw master:1 ext3 /dev/root rw", "no \" - \" separator"},
      {"36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root rw extra", "expected 3 fields after"},
      {"x 35 98:0 / /m rw - ext3 /dev/root rw", "mount id is not a non-negative integer"},
      {"-1 35 98:0 / /m rw - ext3 /dev/root rw", "mount id is not a non-negative integer"},
      {"36 3x5 98:0 / /m rw - ext3 /dev/root rw", "parent id is not"},
      {"36 35 98 / /m rw - ext3 /dev/root rw", "field 3 is not major:minor"},
      {"36 35 98:x / /m rw - ext3 /dev/root rw", "field 3 is not major:minor"},
      {"36 35 98:0 / relative rw - ext3 /dev/root rw", "mount point is not absolute"},
      {"36 35 98:0  /m rw - ext3 /dev/root rw", "field 4 is empty"},
      {"36 35 98:0 / /m\\04 rw - ext3 /dev/root rw", "backslash not followed by three octal"},
      {"36 35 98:0 / /m\\9999 rw - ext3 /dev/root rw", "backslash not followed by three octal"},
      {"36 35 98:0 / /m\\ rw - ext3 /dev/root rw", "backslash not followed by three octal"},
      {"36 35 98:0 / /m\\400 rw - ext3 /dev/root rw", "invalid escape \\400"},
      {"36 35 98:0 / /m\\000 rw - ext3 /dev/root rw", "invalid escape \\000"},
      {"36 35 98:0 / /m rw - \\040 /dev/root rw", ""},  // a decoded type " " is odd but valid
      {"36 35 98:0 / /m rw -  /dev/root rw", "filesystem type is empty"},
      {"99999999999999999999 35 98:0 / /m rw - ext3 /dev/root rw", "mount id is not"},
  };
  for (const Case& c : cases) {
    const std::string error = parseError(c.line);
    if (c.reason.empty()) {
      CHECK_EQ(error, "");
      continue;
    }
    CHECK_CONTAINS(error, c.reason);
    CHECK_CONTAINS(error, "fake:1: malformed mountinfo line");
  }

  // The line number counts blank lines, and the line is quoted with control bytes visible.
  const std::string error = parseError("1 0 0:1 / / rw - ext4 /dev/vda rw\n\n\x01garbage\r\n");
  CHECK_CONTAINS(error, "fake:3: malformed mountinfo line (expected at least 10");
  CHECK_CONTAINS(error, "\"\\x01garbage\\x0d\"");
}

TEST(empty_or_cgroup_free_tables_are_an_error) {
  CHECK_CONTAINS(layoutFromText("").error().message, "fake: no cgroup hierarchy is mounted");
  CHECK_CONTAINS(layoutFromText("\n\n").error().message, "no cgroup hierarchy is mounted");
  CHECK_CONTAINS(layoutFromText("1 0 0:1 / / rw - ext4 /dev/vda rw\n").error().message,
                 "no cgroup hierarchy is mounted");
  // A named hierarchy alone provides no controller.
  CHECK_CONTAINS(layoutFromText("1 0 0:1 / / rw - ext4 /dev/vda rw\n"
                                "2 1 0:2 / /cg rw - cgroup cgroup rw,name=systemd\n")
                     .error()
                     .message,
                 "no cgroup hierarchy is mounted");
}

TEST(duplicate_mount_ids_and_parent_cycles_are_errors) {
  CHECK_CONTAINS(layoutFromText("1 0 0:1 / / rw - ext4 /dev/vda rw\n"
                                "1 0 0:2 / /cg rw - cgroup2 cgroup2 rw\n")
                     .error()
                     .message,
                 "mount id 1 appears twice");
  CHECK_CONTAINS(layoutFromText("2 3 0:1 / /a rw - cgroup2 cgroup2 rw\n"
                                "3 2 0:2 / /b rw - ext4 /dev/vda rw\n")
                     .error()
                     .message,
                 "form a cycle");
  // A mount that is its own parent (as a namespace's root can appear) is a root, not a cycle.
  const Try<Layout> selfParent = layoutFromText("5 5 0:1 / /cg rw - cgroup2 cgroup2 rw\n");
  REQUIRE_OK(selfParent);
  CHECK_EQ(selfParent.get().v2.value_or(""), "/cg");
}

TEST(hidden_mounts_do_not_count) {
  // A tmpfs mounted over /sys/fs/cgroup after the controllers hides all of them.
  std::string overmounted(kThisMachine);
  overmounted += "90 31 0:90 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n";
  CHECK_CONTAINS(layoutFromText(overmounted).error().message, "no cgroup hierarchy is mounted");

  // A second memory hierarchy mounted on top of the first replaces it at that path; the first
  // one stays hidden, so the visible memory mount is the later line.
  const Try<Layout> stacked = layoutFromText(
      "1 0 0:1 / / rw - ext4 /dev/vda rw\n"
      "2 1 0:2 / /cg/memory rw - cgroup cgroup rw,memory\n"
      "3 2 0:3 / /cg/memory rw - cgroup cgroup rw,memory,cpu\n");
  REQUIRE_OK(stacked);
  CHECK_EQ(stacked.get().v1.at("memory"), "/cg/memory");
  CHECK_EQ(stacked.get().v1.at("cpu"), "/cg/memory");
}

TEST(first_visible_mount_of_a_controller_wins) {
  // The same hierarchy bind-mounted a second time elsewhere (a container's view, say).
  const Try<Layout> layout = layoutFromText(
      "1 0 0:1 / / rw - ext4 /dev/vda rw\n"
      "2 1 0:2 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
      "3 1 0:2 / /var/lib/other/memory rw - cgroup cgroup rw,memory\n");
  REQUIRE_OK(layout);
  CHECK_EQ(layout.get().v1.at("memory"), "/sys/fs/cgroup/memory");
}

TEST(hostile_bytes_never_crash_the_parser) {
  // Deterministic mutations of a valid table: flip, insert and delete bytes, then parse. Every
  // outcome is fine except a crash (which the sanitizer build would also catch as memory errors).
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto next = [&state]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  constexpr char kAlphabet[] = " -\\\n0123456789:/,abc\x00\xff";
  int parsed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text(kHybrid);
    const int edits = 1 + static_cast<int>(next() % 6);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = text.empty() ? 0 : next() % text.size();
      const char byte = kAlphabet[next() % (sizeof kAlphabet - 1)];
      switch (next() % 3) {
        case 0:
          if (!text.empty()) text[at] = byte;
          break;
        case 1:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), byte);
          break;
        default:
          if (!text.empty()) text.erase(at, 1 + next() % 8);
          break;
      }
    }
    const Try<Layout> layout = layoutFromText(text);
    if (!layout.isError()) ++parsed;
    else CHECK(!layout.error().message.empty());
  }
  // Some mutations only touch unimportant bytes, so some tables still parse.
  CHECK_GT(parsed, 0);
}

TEST(detect_reads_a_mountinfo_file) {
  const TempDir dir;
  const std::string path = dir.write("mountinfo", kHybrid);
  const Try<Layout> layout = detect(path);
  REQUIRE_OK(layout);
  CHECK(layout.get().mode == Mode::Hybrid);

  // Parse errors name the file.
  const std::string bad = dir.write("bad", "garbage\n");
  CHECK_CONTAINS(detect(bad).error().message, bad + ":1: malformed mountinfo line");
}

TEST(detect_reports_errno_syscall_and_path) {
  const TempDir dir;
  const std::string missing = dir.path() + "/no-such-file";
  const Try<Layout> notFound = detect(missing);
  REQUIRE(notFound.isError());
  CHECK_EQ(notFound.error().message, "open(\"" + missing + "\"): No such file or directory");
  CHECK_EQ(notFound.error().errnum, ENOENT);
  CHECK_EQ(notFound.error().syscall, "open");
  CHECK_EQ(notFound.error().path, missing);

  const Try<Layout> directory = detect(dir.path());
  REQUIRE(directory.isError());
  CHECK_EQ(directory.error().errnum, EISDIR);
  CHECK_CONTAINS(directory.error().message, "Is a directory");

  const Try<Layout> device = detect("/dev/zero");
  REQUIRE(device.isError());
  CHECK_EQ(device.error().message, "open(\"/dev/zero\"): not a regular file");

  const Try<Layout> nul = detect(std::string("/proc/self/mountinfo\0x", 22));
  REQUIRE(nul.isError());
  CHECK_CONTAINS(nul.error().message, "contains a NUL byte");
}

TEST(system_layout_is_detected_once) {
  // Whatever this host has, the second call returns the very same result.
  const Try<Layout>* first = &systemLayout();
  CHECK(first == &systemLayout());
  if (first->isError()) {
    std::printf("# note: this host's mountinfo has no cgroups: %s\n",
                first->error().message.c_str());
  }
}
