// SPDX-License-Identifier: GPL-2.0-only
// A BPF object file opened and loaded by libbpf: its programs, maps and BTF.
#pragma once

#include <bpf/libbpf.h>
#include <napi.h>

#include <string>

#include "addon.hpp"

namespace raftctl {

/**
 * A loaded bpf_object. BpfObject.load(path, pinRoot?, globals?) opens the ELF file, sets initial
 * values of global variables (const volatile config) by name through BTF, creates or reuses pinned
 * maps under pinRoot, and loads the programs, off the JS thread. Programs and maps taken from it
 * hold their own fds and outlive close().
 */
class BpfObject : public Napi::ObjectWrap<BpfObject>, public Resource {
 public:
  static Napi::Function Define(Napi::Env env, RaftctlAddon& addon);

  explicit BpfObject(const Napi::CallbackInfo& info);
  ~BpfObject() override;
  void Release() override;

 private:
  static Napi::Value Load(const Napi::CallbackInfo& info);
  Napi::Value ProgramNames(const Napi::CallbackInfo& info);
  Napi::Value MapNames(const Napi::CallbackInfo& info);
  Napi::Value GetProgram(const Napi::CallbackInfo& info);
  Napi::Value GetMap(const Napi::CallbackInfo& info);
  Napi::Value FindType(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info) { Release(); }
  struct bpf_object* Open(Napi::Env env) const;

  struct bpf_object* object_ = nullptr;
  std::string path_;
};

}  // namespace raftctl
