#include "cgroups/namespaces.h"

#include <sched.h>

#include <string>

#include "test/check.h"

using mesos::cgroups::kNamespaceKinds;
using mesos::cgroups::namespaceNames;
using mesos::cgroups::parseNamespaces;

TEST(the_empty_list_means_no_new_namespace) {
  const auto flags = parseNamespaces("");
  REQUIRE_OK(flags);
  CHECK_EQ(flags.get(), 0);
  CHECK_EQ(namespaceNames(0), "");
}

TEST(every_known_name_maps_to_its_clone_flag) {
  for (const auto& kind : kNamespaceKinds) {
    const auto flags = parseNamespaces(kind.name);
    REQUIRE_OK(flags);
    // pid alone also brings mount (below); every other name is exactly its own flag.
    CHECK_EQ(flags.get() & kind.cloneFlag, kind.cloneFlag);
    if (kind.name != "pid") CHECK_EQ(flags.get(), kind.cloneFlag);
  }
}

TEST(pid_implies_mount_because_it_needs_its_own_proc) {
  const auto flags = parseNamespaces("pid");
  REQUIRE_OK(flags);
  CHECK_EQ(flags.get(), CLONE_NEWPID | CLONE_NEWNS);
  CHECK_EQ(namespaceNames(flags.get()), "pid,mount");
}

TEST(lists_combine_and_repeats_are_harmless) {
  const auto flags = parseNamespaces("net,uts,ipc,uts");
  REQUIRE_OK(flags);
  CHECK_EQ(flags.get(), CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC);
  // Names come back in table order, whatever the input order.
  CHECK_EQ(namespaceNames(flags.get()), "uts,ipc,net");

  const auto all = parseNamespaces("pid,mount,uts,ipc,net");
  REQUIRE_OK(all);
  CHECK_EQ(namespaceNames(all.get()), "pid,mount,uts,ipc,net");
}

TEST(unknown_and_empty_names_are_rejected_with_the_known_ones) {
  const auto unknown = parseNamespaces("pid,user");
  REQUIRE(unknown.isError());
  CHECK_EQ(unknown.error().message, "unknown namespace 'user' (known: pid, mount, uts, ipc, net)");

  // "pid,,uts" and a trailing comma are typos, not an empty namespace.
  CHECK(parseNamespaces("pid,,uts").isError());
  CHECK(parseNamespaces("uts,").isError());
  CHECK_CONTAINS(parseNamespaces(",").error().message, "unknown namespace ''");
  // Names are exact: no case folding, no spaces.
  CHECK(parseNamespaces("PID").isError());
  CHECK(parseNamespaces("pid, uts").isError());
}
