// SPDX-License-Identifier: GPL-2.0-only
// A BPF map: info, element CRUD and iteration, pinning, BTF layouts and mmap.
#pragma once

#include <bpf/btf.h>
#include <linux/bpf.h>
#include <napi.h>

#include <string>
#include <vector>

#include "addon.hpp"
#include "util.hpp"

namespace raftctl {

/**
 * One BPF map held through its own fd, from a loaded object or a pin. Keys and values are raw
 * bytes; the BTF layouts let the caller decode them by field.
 */
class Map : public Napi::ObjectWrap<Map>, public Resource {
 public:
  static Napi::Function Define(Napi::Env env, RaftctlAddon& addon);
  /**
   * Wraps an owned map fd. `name` is the full name when known (the kernel keeps 15 characters).
   * `object_btf_id` is the BTF of the object that created the map, used by findType() when the map
   * itself carries none (the kernel keeps no BTF for a map without key/value types, e.g. a ringbuf).
   */
  static Napi::Object Wrap(Napi::Env env, OwnedFd fd, const std::string& name, uint32_t object_btf_id = 0);

  explicit Map(const Napi::CallbackInfo& info);
  ~Map() override;
  void Release() override;

 private:
  static Napi::Value OpenPinned(const Napi::CallbackInfo& info);
  Napi::Value GetInfo(const Napi::CallbackInfo& info);
  Napi::Value GetFd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), fd_.get()); }
  Napi::Value Lookup(const Napi::CallbackInfo& info);
  void Update(const Napi::CallbackInfo& info);
  Napi::Value Delete(const Napi::CallbackInfo& info);
  Napi::Value Keys(const Napi::CallbackInfo& info);
  void Pin(const Napi::CallbackInfo& info);
  void Unpin(const Napi::CallbackInfo& info);
  Napi::Value Mmap(const Napi::CallbackInfo& info);
  Napi::Value KeyLayout(const Napi::CallbackInfo& info);
  Napi::Value ValueLayout(const Napi::CallbackInfo& info);
  Napi::Value FindType(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info) { Release(); }

  int OpenFd(Napi::Env env) const;
  /** The key as key_size bytes: shorter keys are zero-filled, longer ones refused. */
  std::vector<uint8_t> KeyBytes(Napi::Env env, const Napi::Value& value, const char* op) const;
  /** Bytes one value occupies in a syscall: value_size, or rounded to 8 per possible CPU. */
  size_t ValueBufferSize() const;
  /** The map's BTF, loaded from the kernel on first use; null when the map has none. */
  const struct btf* Btf(Napi::Env env);

  OwnedFd fd_;
  std::string name_;
  struct bpf_map_info info_ = {};
  uint32_t object_btf_id_ = 0;
  struct btf* btf_ = nullptr;
  int possible_cpus_ = 1;
};

}  // namespace raftctl
