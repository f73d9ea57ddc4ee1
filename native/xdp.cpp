// SPDX-License-Identifier: GPL-2.0-only
#include "xdp.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <net/if.h>

#include <cerrno>
#include <string>
#include <vector>

#include "errors.hpp"
#include "util.hpp"

namespace raftctl {

namespace {

int IndexOf(Napi::Env env, const std::string& ifname) {
  LogCapture capture;
  unsigned int index = if_nametoindex(ifname.c_str());
  if (index == 0) {
    int err = LastErrno();
    Throw(env, capture, "if_nametoindex", ifname, err, err == ENODEV ? "no such interface" : "");
  }
  return static_cast<int>(index);
}

const char* ModeName(uint8_t attach_mode) {
  switch (attach_mode) {
    case XDP_ATTACHED_NONE:
      return "none";
    case XDP_ATTACHED_DRV:
      return "native";
    case XDP_ATTACHED_SKB:
      return "generic";
    case XDP_ATTACHED_HW:
      return "offload";
    default:
      return "multi";
  }
}

struct bpf_xdp_query_opts Query(Napi::Env env, const std::string& ifname, int ifindex) {
  LogCapture capture;
  struct bpf_xdp_query_opts opts = {};
  opts.sz = sizeof(opts);
  int ret = bpf_xdp_query(ifindex, 0, &opts);
  if (ret < 0) Throw(env, capture, "bpf_xdp_query", ifname, ErrnoOf(ret));
  return opts;
}

Napi::Value InterfaceIndex(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), IndexOf(info.Env(), StringArg(info, 0, "interface name")));
}

Napi::Value InterfaceName(const Napi::CallbackInfo& info) {
  unsigned int index = static_cast<unsigned int>(IntegerArg(info, 0, "interface index", UINT32_MAX));
  char name[IF_NAMESIZE];
  if (if_indextoname(index, name) == nullptr) return info.Env().Undefined();
  return Napi::String::New(info.Env(), name);
}

void XdpAttach(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string ifname = StringArg(info, 0, "interface name");
  int prog_fd = static_cast<int>(IntegerArg(info, 1, "program fd", INT32_MAX));
  std::string mode = StringArg(info, 2, "mode");
  bool force = info[3].ToBoolean();
  uint32_t flags = 0;
  if (mode == "native") {
    flags |= XDP_FLAGS_DRV_MODE;
  } else if (mode == "generic") {
    flags |= XDP_FLAGS_SKB_MODE;
  } else if (mode != "auto") {
    throw Napi::TypeError::New(env, "mode must be native, generic or auto, not " + mode);
  }
  // Without force an occupied interface fails with EBUSY instead of silently losing its program.
  if (!force) flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
  int ifindex = IndexOf(env, ifname);
  LogCapture capture;
  int ret = bpf_xdp_attach(ifindex, prog_fd, flags, nullptr);
  if (ret < 0) Throw(env, capture, "bpf_xdp_attach", ifname, ErrnoOf(ret));
}

Napi::Value XdpDetach(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string ifname = StringArg(info, 0, "interface name");
  uint32_t expected = info[1].IsUndefined() ? 0 : static_cast<uint32_t>(IntegerArg(info, 1, "expected program id", UINT32_MAX));
  int ifindex = IndexOf(env, ifname);
  struct bpf_xdp_query_opts attached = Query(env, ifname, ifindex);

  // Detach with the flag of each mode actually in force (several only in "multi").
  struct Slot {
    uint32_t flag;
    uint32_t id;
  };
  std::vector<Slot> slots = {{XDP_FLAGS_DRV_MODE, attached.drv_prog_id},
                             {XDP_FLAGS_SKB_MODE, attached.skb_prog_id},
                             {XDP_FLAGS_HW_MODE, attached.hw_prog_id}};
  bool detached = false;
  for (const Slot& slot : slots) {
    if (slot.id == 0 || (expected != 0 && slot.id != expected)) continue;
    LogCapture capture;
    struct bpf_xdp_attach_opts opts = {};
    opts.sz = sizeof(opts);
    OwnedFd old_fd;
    if (expected != 0) {
      // REPLACE with the expected program makes the kernel refuse (EEXIST) if another program
      // took its place since the query: we never detach someone else's program.
      old_fd = OwnedFd(bpf_prog_get_fd_by_id(expected));
      if (!old_fd.valid()) {
        if (old_fd.get() == -ENOENT) continue;  // it went away meanwhile
        Throw(env, capture, "bpf_prog_get_fd_by_id", "program " + std::to_string(expected), ErrnoOf(old_fd.get()));
      }
      opts.old_prog_fd = old_fd.get();
    }
    int ret = bpf_xdp_detach(ifindex, slot.flag | (expected != 0 ? XDP_FLAGS_REPLACE : 0), &opts);
    if (ret == -EEXIST && expected != 0) continue;
    if (ret < 0) Throw(env, capture, "bpf_xdp_detach", ifname, ErrnoOf(ret));
    detached = true;
  }
  return Napi::Boolean::New(env, detached);
}

Napi::Value XdpQuery(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string ifname = StringArg(info, 0, "interface name");
  struct bpf_xdp_query_opts attached = Query(env, ifname, IndexOf(env, ifname));
  Napi::Object result = Napi::Object::New(env);
  result.Set("mode", ModeName(attached.attach_mode));
  // In single-program modes prog_id is that program; in multi it is 0 and the per-mode ids tell.
  result.Set("programId", attached.prog_id);
  result.Set("nativeProgramId", attached.drv_prog_id);
  result.Set("genericProgramId", attached.skb_prog_id);
  result.Set("offloadProgramId", attached.hw_prog_id);
  return result;
}

}  // namespace

void DefineXdpFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("interfaceIndex", Napi::Function::New<InterfaceIndex>(env, "interfaceIndex"));
  exports.Set("interfaceName", Napi::Function::New<InterfaceName>(env, "interfaceName"));
  exports.Set("xdpAttach", Napi::Function::New<XdpAttach>(env, "xdpAttach"));
  exports.Set("xdpDetach", Napi::Function::New<XdpDetach>(env, "xdpDetach"));
  exports.Set("xdpQuery", Napi::Function::New<XdpQuery>(env, "xdpQuery"));
}

}  // namespace raftctl
