// A header-only unit-test harness for the plain C++ under native/ (no Node, no downloads).
//
// Usage, in exactly one translation unit per test binary (the harness defines main()):
//
//   #include "test/check.h"
//
//   TEST(subtract_saturates_at_zero) {
//     REQUIRE_OK(parsed);                  // a failed Try: records its message, ends the test
//     CHECK(!rest.subtract(more));         // records a failure with file:line, continues
//     CHECK_EQ(rest.get(kCpus), 0);        // ... and prints both operands' values
//   }
//
// Output contract (the lead's test runner parses it): one `ok N - name` or `not ok N - name` line
// per test case, failure details on `#`-prefixed lines before it, and as the very last line
// `# passed P failed F` where P and F count test cases. The exit status is 1 when F > 0.
// Everything goes to stdout so that details and verdicts cannot interleave out of order.
//
// Command line: `binary [substring]` runs only the tests whose name contains the substring;
// `binary --list` prints the test names.
#pragma once

#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdio>
#include <exception>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/text.h"
#include <utility>
#include <vector>

namespace mesos::test {

struct TestCase {
  const char* name;
  void (*body)();
};

// Function-local statics so that registration from static initializers in any order is safe.
inline std::vector<TestCase>& registry() {
  static std::vector<TestCase> tests;
  return tests;
}

// The number of failed checks in the running test case.
inline int& failuresInCurrentTest() {
  static int failures = 0;
  return failures;
}

// Thrown by REQUIRE* to end the current test case; caught only by the runner.
struct AbortTest {};

struct Registrar {
  Registrar(const char* name, void (*body)()) { registry().push_back({name, body}); }
};

// Records a failure of the running test case; `where` is a `file:line` or the test's name.
inline void failAt(const std::string& where, const std::string& what) {
  ++failuresInCurrentTest();
  std::string text = where + ": " + what;
  // Prefix every line so that details can never be mistaken for a verdict or the summary.
  std::string out = "#   ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "#   ";
  }
  std::printf("%s\n", out.c_str());
}

inline void fail(const char* file, int line, const std::string& what) {
  failAt(std::string(file) + ":" + std::to_string(line), what);
}

// Renders a value for a failure message: strings quoted with control bytes escaped, floating point
// at full precision, anything streamable streamed, everything else as a placeholder.
template <typename T>
std::string show(const T& value) {
  using U = std::decay_t<T>;
  if constexpr (std::is_same_v<U, bool>) {
    return value ? "true" : "false";
  } else if constexpr (std::is_convertible_v<const T&, std::string_view> &&
                       !std::is_same_v<U, std::nullptr_t>) {
    return mesos::common::quoteBytes(std::string_view(value));
  } else if constexpr (std::is_same_v<U, char> || std::is_same_v<U, signed char> ||
                       std::is_same_v<U, unsigned char>) {
    return std::to_string(static_cast<int>(value));
  } else if constexpr (std::is_floating_point_v<U>) {
    // The shortest text that reads back as the same value: 0.1 prints as 0.1, not 0.1000...01.
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    return std::string(buffer, result.ptr);
  } else if constexpr (requires(std::ostream& stream) { stream << value; }) {
    std::ostringstream stream;
    stream << value;
    return stream.str();
  } else {
    return "<value without operator<<>";
  }
}

// Integers of different signedness compare by value (std::cmp_*), so CHECK_EQ(v.size(), 3)
// neither warns nor lies; everything else uses its own operators.
template <typename T>
concept PlainInteger = std::integral<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>;

template <typename A, typename B>
bool compare(std::string_view op, const A& a, const B& b) {
  if constexpr (PlainInteger<A> && PlainInteger<B>) {
    if (op == "==") return std::cmp_equal(a, b);
    if (op == "!=") return std::cmp_not_equal(a, b);
    if (op == "<") return std::cmp_less(a, b);
    if (op == "<=") return std::cmp_less_equal(a, b);
    if (op == ">") return std::cmp_greater(a, b);
    return std::cmp_greater_equal(a, b);
  } else {
    if (op == "==") return a == b;
    if (op == "!=") return a != b;
    if (op == "<") return a < b;
    if (op == "<=") return a <= b;
    if (op == ">") return a > b;
    return a >= b;
  }
}

template <typename A, typename B>
bool checkBinary(const char* macro, std::string_view op, const char* aText, const char* bText,
                 const A& a, const B& b, const char* file, int line) {
  if (compare(op, a, b)) return true;
  fail(file, line,
       std::string(macro) + "(" + aText + ", " + bText + ") failed\n  " + aText + " = " + show(a) +
           "\n  " + bText + " = " + show(b));
  return false;
}

inline bool checkNear(const char* aText, const char* bText, double a, double b, double tolerance,
                      const char* file, int line) {
  if (std::fabs(a - b) <= tolerance) return true;
  fail(file, line,
       std::string("CHECK_NEAR(") + aText + ", " + bText + ") failed with tolerance " +
           show(tolerance) + "\n  " + aText + " = " + show(a) + "\n  " + bText + " = " + show(b));
  return false;
}

inline bool checkContains(const char* hText, const char* nText, std::string_view haystack,
                          std::string_view needle, const char* file, int line) {
  if (haystack.find(needle) != std::string_view::npos) return true;
  fail(file, line,
       std::string("CHECK_CONTAINS(") + hText + ", " + nText + ") failed\n  " + hText + " = " +
           show(haystack) + "\n  " + nText + " = " + show(needle));
  return false;
}

inline int runAll(int argc, char** argv) {
  std::string_view filter = argc > 1 ? argv[1] : "";
  if (filter == "--list") {
    for (const TestCase& test : registry()) std::printf("%s\n", test.name);
    return 0;
  }
  int passed = 0;
  int failed = 0;
  int number = 0;
  for (const TestCase& test : registry()) {
    if (std::string_view(test.name).find(filter) == std::string_view::npos) continue;
    ++number;
    failuresInCurrentTest() = 0;
    try {
      test.body();
    } catch (const AbortTest&) {
      // The REQUIRE that threw has already recorded its failure.
    } catch (const std::exception& error) {
      failAt(test.name, std::string("uncaught exception: ") + error.what());
    } catch (...) {
      failAt(test.name, "uncaught exception of unknown type");
    }
    const bool ok = failuresInCurrentTest() == 0;
    (ok ? passed : failed) += 1;
    std::printf("%s %d - %s\n", ok ? "ok" : "not ok", number, test.name);
    std::fflush(stdout);
  }
  std::printf("# passed %d failed %d\n", passed, failed);
  std::fflush(stdout);
  return failed > 0 ? 1 : 0;
}

}  // namespace mesos::test

#define MESOS_TEST_CONCAT2(a, b) a##b
#define MESOS_TEST_CONCAT(a, b) MESOS_TEST_CONCAT2(a, b)

// Defines and registers a test case; `name` must be a valid identifier, unique in the binary.
#define TEST(name)                                                                          \
  static void MESOS_TEST_CONCAT(mesos_test_, name)();                                       \
  static const ::mesos::test::Registrar MESOS_TEST_CONCAT(mesos_test_registrar_, name){     \
      #name, &MESOS_TEST_CONCAT(mesos_test_, name)};                                        \
  static void MESOS_TEST_CONCAT(mesos_test_, name)()

#define MESOS_TEST_ABORT_IF(failed) \
  do {                              \
    if (failed) throw ::mesos::test::AbortTest{}; \
  } while (false)

// CHECK* records a failure and lets the test case continue; REQUIRE* also ends the test case.
// Each operand is evaluated exactly once.
#define CHECK(condition)                                                                 \
  ((condition) ? true                                                                    \
               : (::mesos::test::fail(__FILE__, __LINE__, "CHECK(" #condition ") failed"), \
                  false))
#define MESOS_TEST_BINARY(macro, op, a, b) \
  ::mesos::test::checkBinary(macro, op, #a, #b, (a), (b), __FILE__, __LINE__)
#define CHECK_EQ(a, b) MESOS_TEST_BINARY("CHECK_EQ", "==", a, b)
#define CHECK_NE(a, b) MESOS_TEST_BINARY("CHECK_NE", "!=", a, b)
#define CHECK_LT(a, b) MESOS_TEST_BINARY("CHECK_LT", "<", a, b)
#define CHECK_LE(a, b) MESOS_TEST_BINARY("CHECK_LE", "<=", a, b)
#define CHECK_GT(a, b) MESOS_TEST_BINARY("CHECK_GT", ">", a, b)
#define CHECK_GE(a, b) MESOS_TEST_BINARY("CHECK_GE", ">=", a, b)
#define CHECK_NEAR(a, b, tolerance) \
  ::mesos::test::checkNear(#a, #b, (a), (b), (tolerance), __FILE__, __LINE__)
#define CHECK_CONTAINS(haystack, needle) \
  ::mesos::test::checkContains(#haystack, #needle, (haystack), (needle), __FILE__, __LINE__)

#define REQUIRE(condition) MESOS_TEST_ABORT_IF(!CHECK(condition))
#define REQUIRE_EQ(a, b) MESOS_TEST_ABORT_IF(!CHECK_EQ(a, b))
#define REQUIRE_NE(a, b) MESOS_TEST_ABORT_IF(!CHECK_NE(a, b))

// A failed Try aborts the test case with the error's message; `REQUIRE_OK(x)` reads as a sentence.
#define REQUIRE_OK(tryValue)                                                                  \
  do {                                                                                        \
    const auto& mesos_test_try = (tryValue);                                                  \
    if (mesos_test_try.isError()) {                                                           \
      ::mesos::test::fail(__FILE__, __LINE__,                                                 \
                          "REQUIRE_OK(" #tryValue ") failed: " + mesos_test_try.error().message); \
      throw ::mesos::test::AbortTest{};                                                       \
    }                                                                                         \
  } while (false)

int main(int argc, char** argv) { return ::mesos::test::runAll(argc, argv); }
