// Reading small kernel-provided files (mountinfo, cgroup control files) with errors that name the
// system call and the path.
#pragma once

#include <cstddef>
#include <string>

#include "common/try.h"

namespace mesos {

// The default cap of readFile: far above any real mountinfo or cgroup control file, far below
// what would hurt if a caller pointed us at something enormous.
inline constexpr std::size_t kMaxReadFileBytes = 16 * 1024 * 1024;

// The whole content of the regular file at `path`.
//
// Files under /proc report size 0, so this reads until end of file instead of trusting stat.
// It refuses, with an Error naming the syscall and the path: paths containing a NUL byte (the
// kernel would silently read a different, truncated path), anything that is not a regular file
// (a FIFO would block, /dev/zero would never end), and files longer than `maxBytes`.
Try<std::string> readFile(const std::string& path, std::size_t maxBytes = kMaxReadFileBytes);

}  // namespace mesos
