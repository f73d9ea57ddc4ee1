// SPDX-License-Identifier: GPL-2.0-only
// A loaded BPF program: identity, pinning and prog test-run.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "addon.hpp"
#include "util.hpp"

namespace raftctl {

/**
 * One BPF program held through its own fd, so it stays valid after the object that loaded it is
 * closed and can equally come from a pin made by another process.
 */
class Program : public Napi::ObjectWrap<Program>, public Resource {
 public:
  static Napi::Function Define(Napi::Env env, RaftctlAddon& addon);
  /** Wraps an owned program fd. `name` is the full name when known (the kernel keeps 15 characters). */
  static Napi::Object Wrap(Napi::Env env, OwnedFd fd, const std::string& name);

  explicit Program(const Napi::CallbackInfo& info);
  ~Program() override;
  void Release() override;

 private:
  static Napi::Value OpenPinned(const Napi::CallbackInfo& info);
  Napi::Value GetName(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), name_); }
  Napi::Value GetId(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), id_); }
  Napi::Value GetTag(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), tag_); }
  Napi::Value GetType(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), type_); }
  Napi::Value GetFd(const Napi::CallbackInfo& info);
  void Pin(const Napi::CallbackInfo& info);
  void Unpin(const Napi::CallbackInfo& info);
  Napi::Value TestRun(const Napi::CallbackInfo& info);
  void Close(const Napi::CallbackInfo& info) { Release(); }
  int OpenFd(Napi::Env env) const;

  OwnedFd fd_;
  std::string name_;
  std::string tag_;
  std::string type_;
  uint32_t id_ = 0;
};

/** Exports programInfo(id). */
void DefineProgramFunctions(Napi::Env env, Napi::Object exports);

}  // namespace raftctl
