#include "common/file.h"

#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "test/check.h"
#include "test/temp_dir.h"

using mesos::readFile;
using mesos::test::TempDir;

TEST(reads_whole_files_byte_for_byte) {
  const TempDir dir;
  const std::string content = std::string("line one\n\0binary\xff", 18) + std::string(40000, 'x');
  const std::string path = dir.write("f", content);
  const auto read = readFile(path);
  REQUIRE_OK(read);
  CHECK(read.get() == content);
  CHECK_EQ(readFile(dir.write("empty", "")).get(), "");
}

TEST(reads_proc_files_that_report_size_zero) {
  const auto read = readFile("/proc/self/mountinfo");
  REQUIRE_OK(read);
  CHECK(!read.get().empty());
}

TEST(errors_name_the_syscall_the_path_and_errno) {
  const TempDir dir;
  const std::string missing = dir.path() + "/missing";
  const auto notFound = readFile(missing);
  REQUIRE(notFound.isError());
  CHECK_EQ(notFound.error().message, "open(\"" + missing + "\"): No such file or directory");
  CHECK_EQ(notFound.error().errnum, ENOENT);
  CHECK_EQ(notFound.error().syscall, "open");
  CHECK_EQ(notFound.error().path, missing);

  CHECK_EQ(readFile(dir.path()).error().errnum, EISDIR);
  CHECK_EQ(readFile(missing + "/below").error().errnum, ENOENT);
}

TEST(refuses_non_regular_files_without_blocking) {
  const TempDir dir;
  const std::string fifo = dir.path() + "/fifo";
  REQUIRE_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // Opening a FIFO without a writer would block forever without O_NONBLOCK.
  CHECK_EQ(readFile(fifo).error().message, "open(\"" + fifo + "\"): not a regular file");
  CHECK_EQ(readFile("/dev/zero").error().message, "open(\"/dev/zero\"): not a regular file");
}

TEST(refuses_files_over_the_cap) {
  const TempDir dir;
  const std::string path = dir.write("big", std::string(1000, 'x'));
  CHECK_EQ(readFile(path, 1000).get().size(), 1000);
  const auto tooBig = readFile(path, 999);
  REQUIRE(tooBig.isError());
  CHECK_EQ(tooBig.error().errnum, EFBIG);
  CHECK_CONTAINS(tooBig.error().message, "is larger than 999 bytes");
}

TEST(refuses_paths_with_nul) {
  const auto nul = readFile(std::string("/etc/hostname\0/x", 16));
  REQUIRE(nul.isError());
  CHECK_EQ(nul.error().errnum, EINVAL);
  CHECK_EQ(nul.error().message, "open(\"/etc/hostname\\0/x\"): the path contains a NUL byte");
}
