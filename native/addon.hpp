// SPDX-License-Identifier: GPL-2.0-only
// Per-environment addon state: the class constructors and every open kernel handle, so that a
// worker thread's or the main thread's teardown releases what JS left open.
#pragma once

#include <napi.h>

#include <unordered_set>

namespace raftctl {

class RaftctlAddon;

/**
 * A native handle on a kernel object (fd, mapping, poll thread). The addon releases any still open
 * when its environment is torn down, so Release() must never touch JS and must be idempotent.
 */
class Resource {
 public:
  virtual ~Resource() = default;
  virtual void Release() = 0;

 protected:
  /** Registers with this environment's addon; call once the handle is open. */
  void Track(Napi::Env env);
  /** Deregisters; safe after the addon is gone. */
  void Untrack();

 private:
  friend class RaftctlAddon;
  RaftctlAddon* addon_ = nullptr;
};

/** The addon instance of one environment (main thread or a worker thread). */
class RaftctlAddon : public Napi::Addon<RaftctlAddon> {
 public:
  RaftctlAddon(Napi::Env env, Napi::Object exports);
  ~RaftctlAddon();

  Napi::FunctionReference object_class;
  Napi::FunctionReference program_class;
  Napi::FunctionReference map_class;
  Napi::FunctionReference mapped_memory_class;
  Napi::FunctionReference ring_buffer_class;

 private:
  friend class Resource;
  std::unordered_set<Resource*> live_;
};

/** This environment's addon. */
RaftctlAddon& AddonOf(Napi::Env env);

}  // namespace raftctl
