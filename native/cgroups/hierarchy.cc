#include "cgroups/hierarchy.h"

#include "common/text.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <unordered_map>

#include "common/file.h"

namespace mesos::cgroups {

namespace {

// The controllers a cgroup v1 mount can carry (the kernel's cgroup subsystems; "io" is v2-only and
// is "blkio" on v1). Any other superblock option of a "cgroup" mount is a mount option (rw,
// xattr, noprefix, clone_children, release_agent=..., ...) or a name=.
constexpr std::array<std::string_view, 15> kV1Controllers = {
    "blkio",   "cpu",     "cpuacct", "cpuset",   "debug",      "devices", "freezer", "hugetlb",
    "memory",  "misc",    "net_cls", "net_prio", "perf_event", "pids",    "rdma"};

bool isV1Controller(std::string_view option) {
  return std::find(kV1Controllers.begin(), kV1Controllers.end(), option) != kV1Controllers.end();
}

// Splits on every occurrence of `separator`, keeping empty pieces.
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      pieces.push_back(text.substr(start));
      return pieces;
    }
    pieces.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

// Decodes the kernel's \ooo escapes. A backslash not followed by three octal digits, a code above
// 0377, or an escaped NUL cannot come from the kernel, so they are errors rather than guesses.
Try<std::string> unescape(std::string_view field, std::string_view name) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] != '\\') {
      out += field[i];
      continue;
    }
    const std::string_view digits = field.substr(i + 1, 3);
    const bool octal = digits.size() == 3 && std::all_of(digits.begin(), digits.end(), [](char c) {
                         return c >= '0' && c <= '7';
                       });
    if (!octal) {
      return Error::plain(std::string(name) + " has a backslash not followed by three octal digits");
    }
    const int code = (digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0');
    if (code > 0377 || code == 0) {
      return Error::plain(std::string(name) + " has an invalid escape \\" + std::string(digits));
    }
    out += static_cast<char>(code);
    i += 3;
  }
  return out;
}

}  // namespace

Try<MountInfoEntry> parseMountInfoLine(std::string_view line) {
  const std::vector<std::string_view> fields = split(line, ' ');

  if (fields.size() < 10) {
    return Error::plain("expected at least 10 space-separated fields, found " +
                        std::to_string(fields.size()));
  }
  // Fields (1)-(6) come first; the separator can only follow them.
  std::size_t separator = 6;
  while (separator < fields.size() && fields[separator] != "-") ++separator;
  if (separator == fields.size()) return Error::plain("no \" - \" separator after field 6");
  if (fields.size() - separator - 1 != 3) {
    return Error::plain("expected 3 fields after \" - \", found " +
                        std::to_string(fields.size() - separator - 1));
  }
  for (std::size_t i = 0; i < separator; ++i) {
    if (fields[i].empty()) {
      return Error::plain("field " + std::to_string(i + 1) + " is empty (two spaces in a row?)");
    }
  }

  MountInfoEntry entry;
  if (!common::parseDecimal(fields[0], entry.mountId) || entry.mountId < 0) {
    return Error::plain("mount id is not a non-negative integer");
  }
  if (!common::parseDecimal(fields[1], entry.parentId) || entry.parentId < 0) {
    return Error::plain("parent id is not a non-negative integer");
  }
  const std::size_t colon = fields[2].find(':');
  if (colon == std::string_view::npos ||
      !common::parseDecimal(fields[2].substr(0, colon), entry.major) ||
      !common::parseDecimal(fields[2].substr(colon + 1), entry.minor)) {
    return Error::plain("field 3 is not major:minor");
  }

  struct Text {
    std::string_view field;
    const char* name;
    std::string* into;
  };
  const Text texts[] = {
      {fields[3], "root", &entry.root},
      {fields[4], "mount point", &entry.mountPoint},
      {fields[5], "mount options", &entry.mountOptions},
      {fields[separator + 1], "filesystem type", &entry.fsType},
      {fields[separator + 2], "mount source", &entry.source},
      {fields[separator + 3], "superblock options", &entry.superOptions},
  };
  for (const Text& text : texts) {
    Try<std::string> decoded = unescape(text.field, text.name);
    if (decoded.isError()) return decoded.error();
    *text.into = std::move(decoded).get();
  }
  if (entry.mountPoint.front() != '/') return Error::plain("mount point is not absolute");
  if (entry.fsType.empty()) return Error::plain("filesystem type is empty");

  for (std::size_t i = 6; i < separator; ++i) entry.optionalFields.emplace_back(fields[i]);
  return entry;
}

Try<std::vector<MountInfoEntry>> parseMountInfo(std::string_view text, std::string_view origin) {
  std::vector<MountInfoEntry> entries;
  for (const common::Line& line : common::Lines(text)) {
    if (line.text.empty()) continue;

    Try<MountInfoEntry> entry = parseMountInfoLine(line.text);
    if (entry.isError()) {
      return Error::plain(std::string(origin) + ":" + std::to_string(line.number) +
                              ": malformed mountinfo line (" + entry.error().message +
                              "): " + common::quoteBytes(line.text, 160),
                          origin);
    }
    entries.push_back(std::move(entry).get());
  }
  return entries;
}

std::string_view modeName(Mode mode) {
  switch (mode) {
    case Mode::V1:
      return "v1";
    case Mode::V2:
      return "v2";
    case Mode::Hybrid:
      return "hybrid";
  }
  return "unknown";
}

Try<Layout> layoutOf(const std::vector<MountInfoEntry>& entries, std::string_view origin) {
  std::unordered_map<int, std::size_t> byId;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!byId.emplace(entries[i].mountId, i).second) {
      return Error::plain(std::string(origin) + ": mount id " +
                              std::to_string(entries[i].mountId) + " appears twice",
                          origin);
    }
  }

  // A mount is shadowed when a child is mounted exactly on its mount point.
  std::vector<bool> shadowed(entries.size(), false);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto parent = byId.find(entries[i].parentId);
    if (parent != byId.end() && parent->second != i &&
        entries[parent->second].mountPoint == entries[i].mountPoint) {
      shadowed[parent->second] = true;
    }
  }

  // A mount is visible when it is not shadowed and the place it is mounted on can be reached:
  //   visible(m)   = !shadowed(m) && reachable(m)
  //   reachable(m) = reachable(p) && (m stacks on p || !shadowed(p))   where p = parent(m)
  // because a mount stacked exactly on its parent covers the parent's root, while a mount on a
  // directory inside its parent needs that parent to be the topmost mount at its own place. A
  // parent outside the table (the root of a chroot or a container) or a mount that is its own
  // parent is reachable. The walk up is iterative and bounded by the number of entries, which
  // also detects cycles of parent ids in hostile input.
  enum class Reach : unsigned char { Unknown, Yes, No };
  std::vector<Reach> reach(entries.size(), Reach::Unknown);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::vector<std::size_t> chain;  // chain[k + 1] is the parent of chain[k]
    std::size_t at = i;
    bool top = true;                 // reachability of the last element once the walk stops
    for (;;) {
      if (reach[at] != Reach::Unknown) {
        top = reach[at] == Reach::Yes;
        break;
      }
      chain.push_back(at);
      if (chain.size() > entries.size()) {
        return Error::plain(std::string(origin) + ": the parent ids of mount " +
                                std::to_string(entries[i].mountId) + " form a cycle",
                            origin);
      }
      const auto parent = byId.find(entries[at].parentId);
      if (parent == byId.end() || parent->second == at) {
        reach[at] = Reach::Yes;
        chain.pop_back();
        top = true;
        break;
      }
      at = parent->second;
    }
    // `at` is the parent of chain.back() with known reachability `top`; unwind downward.
    for (auto child = chain.rbegin(); child != chain.rend(); ++child) {
      const bool stacks = entries[*child].mountPoint == entries[at].mountPoint;
      top = top && (stacks || !shadowed[at]);
      reach[*child] = top ? Reach::Yes : Reach::No;
      at = *child;
    }
  }

  Layout layout;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (shadowed[i] || reach[i] != Reach::Yes) continue;
    const MountInfoEntry& entry = entries[i];
    if (entry.fsType == "cgroup2") {
      if (!layout.v2) layout.v2 = entry.mountPoint;
    } else if (entry.fsType == "cgroup") {
      for (std::string_view option : split(entry.superOptions, ',')) {
        if (isV1Controller(option)) {
          layout.v1.emplace(option, entry.mountPoint);
        } else if (option.starts_with("name=") && option.size() > 5) {
          layout.named.emplace(option.substr(5), entry.mountPoint);
        }
      }
    }
  }

  if (layout.v1.empty() && !layout.v2) {
    return Error::plain(
        std::string(origin) + ": no cgroup hierarchy is mounted (no visible mount of type " +
            "\"cgroup\" with a controller, nor of type \"cgroup2\")",
        origin);
  }
  layout.mode = layout.v1.empty() ? Mode::V2 : (layout.v2 ? Mode::Hybrid : Mode::V1);
  return layout;
}

Try<Layout> detect(const std::string& mountInfoPath) {
  Try<std::string> text = readFile(mountInfoPath);
  if (text.isError()) return text.error();
  Try<std::vector<MountInfoEntry>> entries = parseMountInfo(text.get(), mountInfoPath);
  if (entries.isError()) return entries.error();
  return layoutOf(entries.get(), mountInfoPath);
}

const Try<Layout>& systemLayout() {
  // A function-local static is initialized once, thread-safely, on first use.
  static const Try<Layout> layout = detect(std::string(kDefaultMountInfoPath));
  return layout;
}

}  // namespace mesos::cgroups
