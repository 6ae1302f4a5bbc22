// Try<T>: the value of an operation that can fail, or the error that says why.
//
// The plain C++ libraries under native/ (drf, cgroups) report expected failures as values rather
// than exceptions: a malformed mountinfo line or an unsafe cgroup path is an outcome the caller must
// handle, and the N-API binding turns it into a JavaScript error in one place. Exceptions stay for
// programming errors and allocation failure.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>

namespace mesos {

// Why an operation failed. `message` is complete and meant for people; the other fields let
// callers (and the JS binding) act on the failure without parsing the message.
struct Error {
  std::string message;
  // The errno reported by a failed system call, or 0 when the failure is not a system error
  // (for example a parse error).
  int errnum = 0;
  // The system call that failed ("open", "read", ...), empty when errnum is 0.
  std::string syscall;
  // The file the failure is about, empty when there is none.
  std::string path;

  // A failed system call on a path, worded like `open("/x"): No such file or directory`.
  static Error fromErrno(std::string_view syscall, std::string_view path, int errnum) {
    Error error;
    error.errnum = errnum;
    error.syscall = std::string(syscall);
    error.path = std::string(path);
    // std::generic_category() formats with the thread-safe strerror_r, unlike std::strerror.
    error.message = error.syscall + "(\"" + error.path +
                    "\"): " + std::generic_category().message(errnum);
    return error;
  }

  // A failure that is not a system error, optionally about a file.
  static Error plain(std::string message, std::string_view path = {}) {
    Error error;
    error.message = std::move(message);
    error.path = std::string(path);
    return error;
  }
};

template <typename T>
class [[nodiscard]] Try {
 public:
  // Implicit on purpose: `return value;` and `return Error::plain(...);` both read naturally.
  Try(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Try(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool isError() const { return state_.index() == 1; }

  // Preconditions: get() only when !isError(), error() only when isError(). Breaking them is a
  // programming error, so it aborts with a message instead of throwing.
  const T& get() const& { return std::get<0>(checked(0)); }
  T& get() & { return std::get<0>(checked(0)); }
  T&& get() && { return std::get<0>(std::move(checked(0))); }
  const Error& error() const { return std::get<1>(checked(1)); }

 private:
  const std::variant<T, Error>& checked(std::size_t index) const {
    if (state_.index() != index) {
      std::fprintf(stderr, "Try: %s on a %s (%s)\n", index == 0 ? "get()" : "error()",
                   index == 0 ? "failure" : "value",
                   index == 0 ? std::get<1>(state_).message.c_str() : "no error");
      std::abort();
    }
    return state_;
  }
  std::variant<T, Error>& checked(std::size_t index) {
    std::as_const(*this).checked(index);
    return state_;
  }

  std::variant<T, Error> state_;
};

}  // namespace mesos
