// SPDX-License-Identifier: GPL-2.0-only
// The memory of a BPF_F_MMAPABLE array map, shared with BPF programs, with atomic word access.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "addon.hpp"

namespace raftctl {

/**
 * A shared mapping of an array map's values. Every access is an atomic load, store or
 * compare-exchange (sequentially consistent), so a word changed here and by a BPF program with
 * __sync_val_compare_and_swap never loses an update on either side.
 */
class MappedMemory : public Napi::ObjectWrap<MappedMemory>, public Resource {
 public:
  static Napi::Function Define(Napi::Env env, RaftctlAddon& addon);
  /** Takes ownership of a mapping of `mapped_size` bytes whose first `data_size` hold values. */
  static Napi::Object Wrap(Napi::Env env, void* address, size_t mapped_size, size_t data_size, bool read_only,
                           const std::string& name);

  explicit MappedMemory(const Napi::CallbackInfo& info);
  ~MappedMemory() override;
  void Release() override;

 private:
  Napi::Value GetSize(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), data_size_); }
  Napi::Value LoadU64(const Napi::CallbackInfo& info);
  void StoreU64(const Napi::CallbackInfo& info);
  Napi::Value CompareExchangeU64(const Napi::CallbackInfo& info);
  Napi::Value LoadU32(const Napi::CallbackInfo& info);
  void StoreU32(const Napi::CallbackInfo& info);
  Napi::Value CompareExchangeU32(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info) { Release(); }

  /** The word at argument 0's offset, after checking it is open, in bounds, aligned and writable. */
  template <typename Word>
  Word* WordAt(const Napi::CallbackInfo& info, bool write);

  void* address_ = nullptr;
  size_t mapped_size_ = 0;
  size_t data_size_ = 0;
  bool read_only_ = false;
  std::string name_;
};

}  // namespace raftctl
