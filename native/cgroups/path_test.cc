#include "cgroups/path.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "test/check.h"

using mesos::Try;
using mesos::cgroups::CgroupPaths;
using mesos::cgroups::validateContainerId;

namespace {

CgroupPaths memoryPaths() {
  Try<CgroupPaths> paths = CgroupPaths::create("/sys/fs/cgroup/memory");
  if (paths.isError()) throw std::runtime_error(paths.error().message);
  return std::move(paths).get();
}

// The error message for a refused path, or "" when the guard accepted it.
std::string guard(const CgroupPaths& paths, std::string_view candidate) {
  const Try<std::string> checked = paths.checkContainer(candidate);
  return checked.isError() ? checked.error().message : "";
}

}  // namespace

TEST(builds_container_cgroups_below_the_agent_root) {
  const CgroupPaths paths = memoryPaths();
  CHECK_EQ(paths.mountPoint(), "/sys/fs/cgroup/memory");
  CHECK_EQ(paths.cgroupsRoot(), "mesos");
  CHECK_EQ(paths.agentRoot(), "/sys/fs/cgroup/memory/mesos");

  const Try<std::string> top = paths.container("6a4c1b1e-3f1a-4a43-9d0e-0ad3c8c9e9a1");
  REQUIRE_OK(top);
  CHECK_EQ(top.get(), "/sys/fs/cgroup/memory/mesos/6a4c1b1e-3f1a-4a43-9d0e-0ad3c8c9e9a1");
}

TEST(nested_containers_live_below_their_parent) {
  const CgroupPaths paths = memoryPaths();
  const std::vector<std::string> chain = {"parent", "child", "grandchild"};
  const Try<std::string> nested = paths.container(chain);
  REQUIRE_OK(nested);
  CHECK_EQ(nested.get(), "/sys/fs/cgroup/memory/mesos/parent/mesos/child/mesos/grandchild");
  CHECK_CONTAINS(paths.container(std::vector<std::string>{}).error().message, "must not be empty");
  const std::vector<std::string> badChild = {"parent", ".."};
  CHECK_CONTAINS(paths.container(badChild).error().message, "container id \"..\"");
}

TEST(custom_cgroups_roots_and_mount_points) {
  const Try<CgroupPaths> nested = CgroupPaths::create("/tmp/fake cgroup/", "system.slice/mesos_agent-1");
  REQUIRE_OK(nested);
  CHECK_EQ(nested.get().mountPoint(), "/tmp/fake cgroup");
  CHECK_EQ(nested.get().agentRoot(), "/tmp/fake cgroup/system.slice/mesos_agent-1");
  CHECK_EQ(nested.get().container("c1").get(), "/tmp/fake cgroup/system.slice/mesos_agent-1/c1");
}

TEST(refuses_unsafe_mount_points) {
  CHECK_CONTAINS(CgroupPaths::create("").error().message, "is not an absolute path");
  CHECK_CONTAINS(CgroupPaths::create("sys/fs/cgroup").error().message, "is not an absolute path");
  CHECK_CONTAINS(CgroupPaths::create("/").error().message, "is the filesystem root");
  CHECK_CONTAINS(CgroupPaths::create("///").error().message, "is the filesystem root");
  CHECK_CONTAINS(CgroupPaths::create("/sys//fs").error().message, "has an empty component");
  CHECK_CONTAINS(CgroupPaths::create("/sys/fs/cgroup/../..").error().message, "\"..\" component");
  CHECK_CONTAINS(CgroupPaths::create("/sys/./fs").error().message, "\"..\" component");
  CHECK_CONTAINS(CgroupPaths::create(std::string_view("/sys\0/x", 7)).error().message,
                 "\"/sys\\x00/x\" contains a NUL byte");
}

TEST(refuses_unsafe_cgroups_roots) {
  const std::string_view mount = "/sys/fs/cgroup/memory";
  CHECK_CONTAINS(CgroupPaths::create(mount, "").error().message, "that is empty");
  CHECK_CONTAINS(CgroupPaths::create(mount, "/mesos").error().message, "is absolute");
  CHECK_CONTAINS(CgroupPaths::create(mount, "..").error().message, "is \".\" or \"..\"");
  CHECK_CONTAINS(CgroupPaths::create(mount, "mesos/../..").error().message, "\"..\"");
  CHECK_CONTAINS(CgroupPaths::create(mount, "mesos/").error().message, "that is empty");
  CHECK_CONTAINS(CgroupPaths::create(mount, "a//b").error().message, "that is empty");
  CHECK_CONTAINS(CgroupPaths::create(mount, "me sos").error().message, "outside [A-Za-z0-9._-]");
  CHECK_CONTAINS(CgroupPaths::create(mount, std::string(300, 'm')).error().message,
                 "longer than 255");
  // The Error carries the refused value as its path, for the JS side to report.
  CHECK_EQ(CgroupPaths::create(mount, "/mesos").error().path, "/mesos");
}

TEST(container_ids_are_single_safe_names) {
  CHECK(!validateContainerId("a").has_value());
  CHECK(!validateContainerId("6a4c1b1e-3f1a-4a43-9d0e-0ad3c8c9e9a1").has_value());
  CHECK(!validateContainerId("task.1_x-y").has_value());
  CHECK(!validateContainerId(std::string(255, 'x')).has_value());

  const std::string_view bad[] = {"", ".", "..", "a/b", "/abs", "a b", "a\nb", "$(rm)", "a\\b",
                                  "tab\there", "é"};
  for (std::string_view id : bad) CHECK(validateContainerId(id).has_value());
  CHECK(validateContainerId(std::string_view("a\0b", 3)).has_value());
  CHECK_CONTAINS(validateContainerId(std::string(256, 'x'))->message, "longer than 255");

  const CgroupPaths paths = memoryPaths();
  CHECK_CONTAINS(paths.container("../../..").error().message,
                 "container id \"../../..\" has a character outside");
  CHECK_CONTAINS(paths.container("..").error().message, "container id \"..\" is \".\" or \"..\"");
  CHECK_CONTAINS(paths.container("/etc").error().message, "container id \"/etc\"");
  CHECK_CONTAINS(paths.container("").error().message, "container id \"\" is empty");
  CHECK_CONTAINS(paths.container(std::string_view("x\0y", 3)).error().message, "\"x\\x00y\"");
}

TEST(guard_accepts_paths_strictly_inside_the_agent_root) {
  const CgroupPaths paths = memoryPaths();
  CHECK_EQ(guard(paths, "/sys/fs/cgroup/memory/mesos/c1"), "");
  CHECK_EQ(guard(paths, "/sys/fs/cgroup/memory/mesos/c1/mesos/c2"), "");
  // A leaf below a container (cgroups v2 keeps processes out of inner nodes).
  CHECK_EQ(guard(paths, "/sys/fs/cgroup/memory/mesos/c1/leaf"), "");
  CHECK_EQ(paths.checkContainer("/sys/fs/cgroup/memory/mesos/c1").get(),
           "/sys/fs/cgroup/memory/mesos/c1");
}

TEST(guard_refuses_the_roots_and_everything_outside) {
  const CgroupPaths paths = memoryPaths();
  struct Case {
    std::string_view candidate;
    std::string_view reason;
  };
  const Case cases[] = {
      {"/sys/fs/cgroup/memory/mesos", "is the agent's cgroups root itself"},
      {"/sys/fs/cgroup/memory", "is outside the agent's cgroups root"},
      {"/sys/fs/cgroup/memory/", "has an empty component"},
      {"/", "has an empty component"},
      {"", "is not an absolute path"},
      {"mesos/c1", "is not an absolute path"},
      {"/sys/fs/cgroup/memory/mesos-other/c1", "is outside the agent's cgroups root"},
      {"/sys/fs/cgroup/memory/mesos.old/c1", "is outside the agent's cgroups root"},
      {"/sys/fs/cgroup/cpu/mesos/c1", "is outside the agent's cgroups root"},
      {"/sys/fs/cgroup/memory/mesos/..", "\"..\" component"},
      {"/sys/fs/cgroup/memory/mesos/c1/../..", "\"..\" component"},
      {"/sys/fs/cgroup/memory/mesos/../mesos/c1", "\"..\" component"},
      {"/sys/fs/cgroup/memory/mesos/./c1", "\"..\" component"},
      {"/sys/fs/cgroup/memory/mesos/c1/", "has an empty component"},
      {"/sys/fs/cgroup/memory/mesos//c1", "has an empty component"},
      {"//sys/fs/cgroup/memory/mesos/c1", "has an empty component"},
      {"/sys/fs/cgroup/memory/mesos/c 1", "outside [A-Za-z0-9._-]"},
      {"/sys/fs/cgroup/memory/mesos/c1\n", "outside [A-Za-z0-9._-]"},
  };
  for (const Case& c : cases) CHECK_CONTAINS(guard(paths, c.candidate), c.reason);

  CHECK_CONTAINS(guard(paths, std::string_view("/sys/fs/cgroup/memory/mesos/c1\0/..", 34)),
                 "contains a NUL byte");
  CHECK_CONTAINS(guard(paths, "/sys/fs/cgroup/memory/mesos/" + std::string(5000, 'a')),
                 "is longer than 4095 bytes");
  // Messages quote the refused path and name the root it had to be in.
  CHECK_EQ(guard(paths, "/sys/fs/cgroup/cpu/mesos/c1"),
           "cgroup path \"/sys/fs/cgroup/cpu/mesos/c1\" is outside the agent's cgroups root "
           "\"/sys/fs/cgroup/memory/mesos\"");
}

TEST(built_paths_always_pass_the_guard) {
  const CgroupPaths paths = memoryPaths();
  const std::vector<std::string> chain = {"a", "b.c", "d_e-f"};
  const Try<std::string> built = paths.container(chain);
  REQUIRE_OK(built);
  CHECK_EQ(guard(paths, built.get()), "");
  // A chain deep enough to exceed PATH_MAX is refused by the guard inside container().
  const std::vector<std::string> deep(40, std::string(200, 'x'));
  CHECK_CONTAINS(paths.container(deep).error().message, "is longer than 4095 bytes");
}
