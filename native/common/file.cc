#include "common/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/fd.h"

namespace mesos {

namespace {

Error notRegular(const std::string& path, int errnum, const char* what) {
  Error error = Error::fromErrno("open", path, errnum);
  error.message = "open(\"" + path + "\"): " + what;
  return error;
}

}  // namespace

Try<std::string> readFile(const std::string& path, std::size_t maxBytes) {
  if (path.find('\0') != std::string::npos) {
    // Show the NUL so the message explains itself instead of looking like a valid path.
    std::string shown;
    for (char c : path) shown += c == '\0' ? std::string("\\0") : std::string(1, c);
    return notRegular(shown, EINVAL, "the path contains a NUL byte");
  }
  // O_NONBLOCK: opening a FIFO for reading must not wait for a writer before fstat rejects it.
  // Close errors on a read-only descriptor carry no information worth reporting.
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) return Error::fromErrno("open", path, errno);

  struct stat status;
  if (::fstat(fd.get(), &status) != 0) return Error::fromErrno("fstat", path, errno);
  if (S_ISDIR(status.st_mode)) return Error::fromErrno("read", path, EISDIR);
  if (!S_ISREG(status.st_mode)) return notRegular(path, EINVAL, "not a regular file");

  std::string content;
  char buffer[16384];
  for (;;) {
    const ssize_t count = ::read(fd.get(), buffer, sizeof buffer);
    if (count < 0) {
      if (errno == EINTR) continue;
      return Error::fromErrno("read", path, errno);
    }
    if (count == 0) break;
    if (content.size() + static_cast<std::size_t>(count) > maxBytes) {
      Error error = Error::fromErrno("read", path, EFBIG);
      error.message = "read(\"" + path + "\"): the file is larger than " +
                      std::to_string(maxBytes) + " bytes";
      return error;
    }
    content.append(buffer, static_cast<std::size_t>(count));
  }
  return content;
}

}  // namespace mesos
