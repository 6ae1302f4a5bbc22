// mesos-containerizer: one process per container (see ARCHITECTURE.md section 4). main() only
// adapts argv; the commands live in containerizer_cli.cc, where they are unit-tested.
#include <iostream>
#include <string_view>
#include <vector>

#include "cgroups/containerizer_cli.h"

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  const int status = mesos::cgroups::runContainerizer(args, std::cout, std::cerr);
  std::cout.flush();
  return status;
}
