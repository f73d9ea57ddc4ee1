{
  "targets": [
    {
      "target_name": "raftctl_native",
      "sources": [
        "native/addon.cpp",
        "native/btf-layout.cpp",
        "native/errors.cpp",
        "native/map.cpp",
        "native/mapped-memory.cpp",
        "native/object.cpp",
        "native/program.cpp",
        "native/ring-buffer.cpp",
        "native/util.cpp",
        "native/xdp.cpp"
      ],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      # NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS: when a callback's Napi::Error cannot be thrown into JS
      # because the environment is terminating (worker.terminate(), exit), node-addon-api drops it
      # instead of rethrowing it as a C++ exception that unwinds into Node and std::terminates.
      "defines": ["NAPI_VERSION=8", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags": ["<!@(pkg-config --cflags libbpf)"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers"],
      "libraries": ["<!@(pkg-config --libs libbpf)"]
    }
  ]
}
