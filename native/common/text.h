// Text for error and failure messages, and the lines of a text, shared by every native module.
#pragma once

#include <charconv>
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>

namespace mesos::common {

// A number as JavaScript prints it, closely enough for an error message: NaN and Infinity
// spelled the JS way, otherwise the shortest text that reads back as the same double.
std::string jsNumber(double value);

// `text` in double quotes with `"` and `\` escaped and control bytes as \xNN, so that a hostile
// path or mountinfo line cannot break the message it appears in. Text longer than `maxShown`
// bytes is cut there and marked with `...` after the closing quote.
std::string quoteBytes(std::string_view text, std::size_t maxShown = std::string_view::npos);

// Reads all of `text` as one decimal `Integer` into `value`: false when it is empty, has anything
// but the number (a sign on an unsigned type, '+', spaces, a newline) or does not fit.
template <typename Integer>
bool parseDecimal(std::string_view text, Integer& value) {
  if (text.empty()) return false;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
  return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

// One line of a text, without its '\n', and its 1-based number.
struct Line {
  std::string_view text;
  std::size_t number = 0;
};

// The lines of `text` split at '\n', for a range-for:
//
//   for (const common::Line& line : common::Lines(text)) { ... line.text, line.number ... }
//
// A final '\n' ends the last line instead of starting an empty one ("a\n" is one line, "" none);
// blank lines elsewhere are lines like any other, numbered, for the caller to skip or refuse.
class Lines {
 public:
  class iterator {
   public:
    using value_type = Line;
    using difference_type = std::ptrdiff_t;

    iterator() = default;
    explicit iterator(std::string_view text) : text_(text) { advance(); }

    const Line& operator*() const { return line_; }
    const Line* operator->() const { return &line_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    bool operator==(std::default_sentinel_t) const { return done_; }

   private:
    void advance();

    std::string_view text_;
    // Where the line after line_ starts.
    std::size_t next_ = 0;
    Line line_;
    bool done_ = false;
  };

  explicit Lines(std::string_view text) : text_(text) {}
  iterator begin() const { return iterator(text_); }
  std::default_sentinel_t end() const { return {}; }

 private:
  std::string_view text_;
};

}  // namespace mesos::common
