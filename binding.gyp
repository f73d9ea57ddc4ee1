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
      "defines": ["NAPI_VERSION=8"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags": ["<!@(pkg-config --cflags libbpf)"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers"],
      "libraries": ["<!@(pkg-config --libs libbpf)"]
    }
  ]
}
