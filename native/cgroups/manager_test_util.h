// What the CgroupManager tests share: manager_test.cc (fake trees) and manager_root_test.cc (this
// machine's kernel). Header-only on purpose: the Makefile links every non-test .cc of
// native/cgroups into every test binary of the directory, and this needs the test harness.
#pragma once

#include <sys/stat.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cgroups/manager.h"
#include "common/file.h"
#include "test/check.h"

namespace mesos::cgroups::test_support {

inline const std::vector<Controller> kAll = {Controller::Cpu, Controller::Memory,
                                             Controller::Pids};

// The content of a control file, or its read error in <...> (so a CHECK_EQ shows which).
inline std::string contentOf(const std::string& path) {
  Try<std::string> text = readFile(path);
  return text.isError() ? "<" + text.error().message + ">" : text.get();
}

inline bool isDirectory(const std::string& path) {
  struct stat status;
  return ::stat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode);
}

// prepare(), then create(id); either failing ends the test case. The new container's cgroups.
inline std::vector<std::string> prepareAndCreate(CgroupManager& cgroups, std::string_view id) {
  REQUIRE_OK(cgroups.prepare());
  Try<std::vector<std::string>> dirs = cgroups.create(id);
  REQUIRE_OK(dirs);
  return std::move(dirs).get();
}

}  // namespace mesos::cgroups::test_support
