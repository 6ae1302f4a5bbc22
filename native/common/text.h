// Text for error and failure messages, shared by every native module.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mesos::common {

// A number as JavaScript prints it, closely enough for an error message: NaN and Infinity
// spelled the JS way, otherwise the shortest text that reads back as the same double.
std::string jsNumber(double value);

// `text` in double quotes with `"` and `\` escaped and control bytes as \xNN, so that a hostile
// path or mountinfo line cannot break the message it appears in. Text longer than `maxShown`
// bytes is cut there and marked with `...` after the closing quote.
std::string quoteBytes(std::string_view text, std::size_t maxShown = std::string_view::npos);

}  // namespace mesos::common
