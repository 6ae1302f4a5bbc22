#include "cgroups/containerizer_cli.h"

#include <sstream>
#include <string>
#include <vector>

#include "test/check.h"
#include "test/temp_dir.h"

using mesos::cgroups::kExitFailure;
using mesos::cgroups::kExitSuccess;
using mesos::cgroups::kExitUsage;
using mesos::cgroups::runContainerizer;
using mesos::test::TempDir;

namespace {

struct Run {
  int status;
  std::string out;
  std::string err;
};

Run run(std::vector<std::string_view> args) {
  std::ostringstream out;
  std::ostringstream err;
  const int status = runContainerizer(args, out, err);
  return {status, out.str(), err.str()};
}

}  // namespace

TEST(help_prints_usage_and_succeeds) {
  for (std::string_view flag : {"--help", "-h", "help"}) {
    const Run result = run({flag});
    CHECK_EQ(result.status, kExitSuccess);
    CHECK_CONTAINS(result.out, "usage: mesos-containerizer <command>");
    CHECK_EQ(result.err, "");
  }
}

TEST(missing_or_unknown_commands_are_usage_errors) {
  const Run none = run({});
  CHECK_EQ(none.status, kExitUsage);
  CHECK_CONTAINS(none.err, "mesos-containerizer: no command given");
  CHECK_CONTAINS(none.err, "usage:");

  const Run unknown = run({"explode"});
  CHECK_EQ(unknown.status, 2);
  CHECK_CONTAINS(unknown.err, "unknown command 'explode'");
  CHECK_EQ(unknown.out, "");

  const Run badFlag = run({"cgroups", "--frobnicate"});
  CHECK_EQ(badFlag.status, kExitUsage);
  CHECK_CONTAINS(badFlag.err, "cgroups: unknown flag '--frobnicate'");
}

TEST(launch_flag_errors_are_one_line_usage_errors) {
  // launch itself is tested in launch_test.cc; here only that the command is dispatched to it.
  const Run launch = run({"launch"});
  CHECK_EQ(launch.status, kExitUsage);
  CHECK_EQ(launch.out, "");
  CHECK_EQ(launch.err,
           "mesos-containerizer: launch: missing '--' before the task's command (see "
           "mesos-containerizer help)\n");
}

TEST(cgroups_prints_the_layout_as_json) {
  const TempDir dir;
  const std::string mountinfo = dir.write(
      "mountinfo",
      "1 0 0:1 / / rw - ext4 /dev/vda rw\n"
      "2 1 0:2 / /cg/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
      "3 1 0:3 / /cg/with\\040\\042quote rw - cgroup cgroup rw,memory\n"
      "4 1 0:4 / /cg/unified rw - cgroup2 cgroup2 rw\n");
  const std::string flag = "--mountinfo=" + mountinfo;
  const Run result = run({"cgroups", flag});
  CHECK_EQ(result.status, kExitSuccess);
  CHECK_EQ(result.out,
           "{\"mode\":\"hybrid\",\"v1\":{\"cpu\":\"/cg/cpu,cpuacct\",\"cpuacct\":\"/cg/cpu,cpuacct\","
           "\"memory\":\"/cg/with \\\"quote\"},\"v2\":\"/cg/unified\"}\n");
}

TEST(cgroups_failures_quote_the_syscall_and_path) {
  const Run result = run({"cgroups", "--mountinfo=/nonexistent/mountinfo"});
  CHECK_EQ(result.status, kExitFailure);
  CHECK_EQ(result.err,
           "mesos-containerizer: cgroups: open(\"/nonexistent/mountinfo\"): No such file or "
           "directory\n");
}
