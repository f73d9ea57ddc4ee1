// SPDX-License-Identifier: GPL-2.0-only
#include "addon.hpp"

#include "errors.hpp"
#include "map.hpp"
#include "mapped-memory.hpp"
#include "object.hpp"
#include "program.hpp"
#include "ring-buffer.hpp"
#include "xdp.hpp"

namespace raftctl {

void Resource::Track(Napi::Env env) {
  addon_ = &AddonOf(env);
  addon_->live_.insert(this);
}

void Resource::Untrack() {
  if (addon_ != nullptr) addon_->live_.erase(this);
  addon_ = nullptr;
}

RaftctlAddon::RaftctlAddon(Napi::Env env, Napi::Object exports) {
  LogCapture::InstallHook();
  exports.Set("BpfObject", BpfObject::Define(env, *this));
  exports.Set("Program", Program::Define(env, *this));
  exports.Set("Map", Map::Define(env, *this));
  exports.Set("MappedMemory", MappedMemory::Define(env, *this));
  exports.Set("RingBuffer", RingBuffer::Define(env, *this));
  DefineProgramFunctions(env, exports);
  DefineXdpFunctions(env, exports);
  DefineAddon(exports, {});
}

RaftctlAddon::~RaftctlAddon() {
  // The environment is going away; wrappers may be finalized after us, so detach them first.
  std::unordered_set<Resource*> open;
  open.swap(live_);
  for (Resource* resource : open) {
    resource->addon_ = nullptr;
    resource->Release();
  }
}

RaftctlAddon& AddonOf(Napi::Env env) { return *env.GetInstanceData<RaftctlAddon>(); }

}  // namespace raftctl

// The macro pastes its argument into identifiers, so it needs an unqualified name.
using raftctl::RaftctlAddon;
NODE_API_ADDON(RaftctlAddon)
