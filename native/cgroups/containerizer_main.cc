// mesos-containerizer: one process per container (see ARCHITECTURE.md section 4).
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc > 1 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::puts("usage: mesos-containerizer launch --launch_info=<json> ...");
    return 0;
  }
  std::fprintf(stderr, "mesos-containerizer: no command given (try --help)\n");
  return 2;
}
