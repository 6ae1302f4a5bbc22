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
        "native/binding/addon.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"]
    },
    {
      "target_name": "mesos-containerizer",
      "type": "executable",
      "sources": [
        "native/cgroups/containerizer_main.cc"
      ]
    }
  ]
}
