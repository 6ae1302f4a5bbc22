// UniqueFd: the one owner of a file descriptor, closed on every return path.
#pragma once

#include <unistd.h>

#include <utility>

namespace mesos {

// Owns one file descriptor (or none: -1) and closes it when destroyed, reset or assigned over.
// Move-only. Errors from close(2) are ignored: callers that must see them (a written file whose
// close can report a deferred write error) call ::close(fd.release()) themselves.
class UniqueFd {
 public:
  UniqueFd() = default;
  // Takes `fd` as it comes from open(2) and friends: a negative value (a failed call) owns nothing,
  // and errno is left as the call set it.
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  // The descriptor, or a negative value when there is none; still owned.
  int get() const { return fd_; }
  // Whether a descriptor is owned.
  explicit operator bool() const { return fd_ >= 0; }
  // Gives the descriptor up without closing it.
  int release() { return std::exchange(fd_, -1); }
  // Closes the owned descriptor, if any, and owns `fd` instead.
  void reset(int fd = -1) {
    if (fd_ >= 0 && fd_ != fd) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace mesos
