#!/bin/sh
# Runs C++ unit-test binaries built by native/Makefile and reports on each.
#
# Usage: run.sh <binary>...
#
# Every binary's own output ends with `# passed N failed M` (see test/check.h); this script
# prints a `## <binary>` header before it, and prints nothing else that starts with `# passed`,
# except in one case: a binary that exits non-zero while its summary says `failed 0` (a crash, an
# abort, a sanitizer or leak report) or that prints no summary at all gets one extra line
# `# passed 0 failed 1`, so a parser that sums the summary lines still sees the failure. The exit
# status is 1 when any binary failed, 0 otherwise; all binaries run either way.
set -u

# A hung test must not hang the whole run: each binary gets NATIVE_TEST_TIMEOUT seconds (default
# 300) where coreutils' timeout exists; timeout's status 124 then reads as a failure below.
if command -v timeout >/dev/null 2>&1; then
  limit="timeout ${NATIVE_TEST_TIMEOUT:-300}"
else
  limit=""
fi

status=0
binaries=0
passed_total=0
failed_total=0
for binary in "$@"; do
  binaries=$((binaries + 1))
  echo "## $binary"
  output=$($limit "$binary" 2>&1)
  code=$?
  [ -n "$output" ] && printf '%s\n' "$output"
  summary=$(printf '%s\n' "$output" | grep -E '^# passed [0-9]+ failed [0-9]+$' | tail -n 1)
  passed=$(printf '%s\n' "$summary" | sed -n 's/^# passed \([0-9]*\) failed \([0-9]*\)$/\1/p')
  failed=$(printf '%s\n' "$summary" | sed -n 's/^# passed \([0-9]*\) failed \([0-9]*\)$/\2/p')
  passed=${passed:-0}
  failed=${failed:-0}
  if [ "$code" -ne 0 ]; then
    status=1
    if [ "$failed" -eq 0 ]; then
      if [ -z "$summary" ]; then
        echo "## $binary exited with status $code before printing its summary"
      else
        echo "## $binary exited with status $code after its summary (see the report above)"
      fi
      echo "# passed 0 failed 1"
      failed=1
    fi
  fi
  passed_total=$((passed_total + passed))
  failed_total=$((failed_total + failed))
done
echo "## total: $binaries binaries, test cases passed $passed_total failed $failed_total"
exit $status
