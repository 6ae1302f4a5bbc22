{
  "target_defaults": {
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++14"],
    "cflags_cc": ["-std=c++20", "-fexceptions", "-O2", "-Wall", "-Wextra"],
    "include_dirs": ["native"]
  },
  "targets": [
    {
      "target_name": "mesos_native",
      "sources": [
        "native/binding/addon.cc",
        "native/binding/allocator.cc",
        "native/binding/args.cc",
        "native/binding/cgroups.cc",
        "native/binding/drf.cc",
        "native/common/file.cc",
        "native/common/text.cc",
        "native/cgroups/backend.cc",
        "native/cgroups/cgroups_v1.cc",
        "native/cgroups/cgroups_v2.cc",
        "native/cgroups/hierarchy.cc",
        "native/cgroups/manager.cc",
        "native/cgroups/path.cc",
        "native/drf/allocator.cc",
        "native/drf/bundle.cc",
        "native/drf/drf_sorter.cc",
        "native/drf/quantities.cc",
        "native/drf/random_sorter.cc",
        "native/drf/sorter.cc",
        "native/drf/stream.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_CPP_EXCEPTIONS",
        "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
        "MESOS_NATIVE_VERSION=\"<!(node -p \"require('./package.json').version\")\""
      ]
    },
    {
      "target_name": "mesos-containerizer",
      "type": "executable",
      "sources": [
        "native/cgroups/containerizer_main.cc",
        "native/cgroups/containerizer_cli.cc",
        "native/cgroups/hierarchy.cc",
        "native/cgroups/launch.cc",
        "native/cgroups/namespaces.cc",
        "native/common/file.cc",
        "native/common/text.cc"
      ]
    }
  ]
}
