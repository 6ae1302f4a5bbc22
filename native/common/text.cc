#include "common/text.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace mesos::common {

std::string jsNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string quoteBytes(std::string_view text, std::size_t maxShown) {
  std::string out = "\"";
  const std::size_t shown = text.size() < maxShown ? text.size() : maxShown;
  for (std::size_t i = 0; i < shown; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
      out += buffer;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += shown < text.size() ? "\"..." : "\"";
  return out;
}

void Lines::iterator::advance() {
  if (next_ >= text_.size()) {
    done_ = true;
    return;
  }
  std::size_t end = text_.find('\n', next_);
  if (end == std::string_view::npos) end = text_.size();
  line_ = Line{text_.substr(next_, end - next_), line_.number + 1};
  next_ = end + 1;
}

}  // namespace mesos::common
