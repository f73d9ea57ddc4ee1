// SPDX-License-Identifier: GPL-2.0-only
#include "program.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <vector>

#include "errors.hpp"
#include "promise-worker.hpp"

namespace raftctl {

namespace {

// Room for a program that grows the frame with bpf_xdp_adjust_head (XDP_PACKET_HEADROOM).
constexpr size_t kOutputHeadroom = 256;

struct ProgramInit {
  OwnedFd fd;
  std::string name;
  struct bpf_prog_info info;
};

std::string HexTag(const uint8_t (&tag)[BPF_TAG_SIZE]) {
  char text[BPF_TAG_SIZE * 2 + 1];
  for (int i = 0; i < BPF_TAG_SIZE; i++) snprintf(text + i * 2, 3, "%02x", tag[i]);
  return text;
}

std::string ProgramTypeName(uint32_t type) {
  const char* name = libbpf_bpf_prog_type_str(static_cast<enum bpf_prog_type>(type));
  return name != nullptr ? name : "unknown(" + std::to_string(type) + ")";
}

// load_time is nanoseconds since boot; wall-clock time is now minus the time elapsed since then.
double LoadedAtMs(uint64_t load_time_ns) {
  struct timespec boot, real;
  clock_gettime(CLOCK_BOOTTIME, &boot);
  clock_gettime(CLOCK_REALTIME, &real);
  double boot_ns = boot.tv_sec * 1e9 + boot.tv_nsec;
  double real_ns = real.tv_sec * 1e9 + real.tv_nsec;
  return (real_ns - (boot_ns - static_cast<double>(load_time_ns))) / 1e6;
}

// Reads program info twice: first for the count of map ids, then with room for them.
int ReadProgramInfo(int fd, struct bpf_prog_info& info, std::vector<uint32_t>* map_ids) {
  info = {};
  uint32_t length = sizeof(info);
  int ret = bpf_obj_get_info_by_fd(fd, &info, &length);
  if (ret < 0 || map_ids == nullptr || info.nr_map_ids == 0) return ret;
  map_ids->resize(info.nr_map_ids);
  uint32_t count = info.nr_map_ids;
  info = {};
  info.nr_map_ids = count;
  info.map_ids = reinterpret_cast<uint64_t>(map_ids->data());
  length = sizeof(info);
  ret = bpf_obj_get_info_by_fd(fd, &info, &length);
  map_ids->resize(std::min(count, info.nr_map_ids));
  return ret;
}

/** Runs the program once (or `repeat` times) on a frame: BPF_PROG_TEST_RUN. */
class TestRunWorker : public PromiseWorker {
 public:
  TestRunWorker(Napi::Env env, OwnedFd fd, std::string name, std::vector<uint8_t> frame, int repeat,
                int64_t ingress_ifindex)
      : PromiseWorker(env, "raftctl:testRun"),
        fd_(std::move(fd)),
        name_(std::move(name)),
        frame_(std::move(frame)),
        repeat_(repeat),
        ingress_ifindex_(ingress_ifindex) {}

 protected:
  void Execute() override {
    LogCapture capture;
    output_.resize(frame_.size() + kOutputHeadroom);
    // The kernel requires data_end to equal the input length when an xdp_md context is passed.
    struct xdp_md context = {};
    context.data_end = static_cast<uint32_t>(frame_.size());
    context.ingress_ifindex = static_cast<uint32_t>(ingress_ifindex_);

    struct bpf_test_run_opts opts = {};
    opts.sz = sizeof(opts);
    opts.data_in = frame_.data();
    opts.data_size_in = static_cast<uint32_t>(frame_.size());
    opts.data_out = output_.data();
    opts.data_size_out = static_cast<uint32_t>(output_.size());
    opts.repeat = repeat_;
    if (ingress_ifindex_ >= 0) {
      opts.ctx_in = &context;
      opts.ctx_size_in = sizeof(context);
    }
    int ret = bpf_prog_test_run_opts(fd_.get(), &opts);
    if (ret < 0) {
      failure_ = Failure{"bpf_prog_test_run_opts", name_, ErrnoOf(ret), "", capture.Take()};
      return;
    }
    retval_ = opts.retval;
    duration_ns_ = opts.duration;
    output_.resize(std::min<size_t>(opts.data_size_out, output_.size()));
  }

  Napi::Value Result(Napi::Env env) override {
    Napi::Object result = Napi::Object::New(env);
    result.Set("retval", retval_);
    result.Set("data", Napi::Buffer<uint8_t>::Copy(env, output_.data(), output_.size()));
    result.Set("durationNs", duration_ns_);
    return result;
  }

 private:
  OwnedFd fd_;  // our own duplicate: close() on the JS side cannot pull it from under the run
  std::string name_;
  std::vector<uint8_t> frame_;
  std::vector<uint8_t> output_;
  int repeat_;
  int64_t ingress_ifindex_;
  uint32_t retval_ = 0;
  uint32_t duration_ns_ = 0;
};

Napi::Value ProgramInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t id = static_cast<uint32_t>(IntegerArg(info, 0, "program id", UINT32_MAX));
  LogCapture capture;
  OwnedFd fd(bpf_prog_get_fd_by_id(id));
  if (!fd.valid()) {
    if (fd.get() == -ENOENT) return env.Undefined();
    Throw(env, capture, "bpf_prog_get_fd_by_id", "program " + std::to_string(id), ErrnoOf(fd.get()));
  }
  struct bpf_prog_info prog = {};
  std::vector<uint32_t> map_ids;
  int ret = ReadProgramInfo(fd.get(), prog, &map_ids);
  if (ret < 0) Throw(env, capture, "bpf_obj_get_info_by_fd", "program " + std::to_string(id), ErrnoOf(ret));

  Napi::Object result = Napi::Object::New(env);
  result.Set("id", prog.id);
  result.Set("name", prog.name);
  result.Set("tag", HexTag(prog.tag));
  result.Set("type", ProgramTypeName(prog.type));
  if (prog.load_time != 0) result.Set("loadedAtMs", LoadedAtMs(prog.load_time));
  Napi::Array ids = Napi::Array::New(env, map_ids.size());
  for (size_t i = 0; i < map_ids.size(); i++) ids.Set(static_cast<uint32_t>(i), map_ids[i]);
  result.Set("mapIds", ids);
  return result;
}

}  // namespace

Napi::Function Program::Define(Napi::Env env, RaftctlAddon& addon) {
  Napi::Function cls = DefineClass(env, "Program",
                                   {
                                       StaticMethod<&Program::OpenPinned>("openPinned"),
                                       InstanceAccessor<&Program::GetName>("name"),
                                       InstanceAccessor<&Program::GetFd>("fd"),
                                       InstanceAccessor<&Program::GetId>("id"),
                                       InstanceAccessor<&Program::GetTag>("tag"),
                                       InstanceAccessor<&Program::GetType>("type"),
                                       InstanceMethod<&Program::Pin>("pin"),
                                       InstanceMethod<&Program::Unpin>("unpin"),
                                       InstanceMethod<&Program::TestRun>("testRun"),
                                       InstanceMethod<&Program::Close>("close"),
                                   });
  addon.program_class = Napi::Persistent(cls);
  return cls;
}

Napi::Object Program::Wrap(Napi::Env env, OwnedFd fd, const std::string& name) {
  LogCapture capture;
  ProgramInit init{std::move(fd), name, {}};
  int ret = ReadProgramInfo(init.fd.get(), init.info, nullptr);
  if (ret < 0) Throw(env, capture, "bpf_obj_get_info_by_fd", name, ErrnoOf(ret));
  if (init.name.empty()) init.name = init.info.name;
  return AddonOf(env).program_class.New({Napi::External<ProgramInit>::New(env, &init)});
}

Program::Program(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Program>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "Program is not constructible: use BpfObject.program() or Program.openPinned()");
  }
  ProgramInit& init = *info[0].As<Napi::External<ProgramInit>>().Data();
  fd_ = std::move(init.fd);
  name_ = init.name;
  id_ = init.info.id;
  tag_ = HexTag(init.info.tag);
  type_ = ProgramTypeName(init.info.type);
  Track(info.Env());
}

Program::~Program() { Release(); }

void Program::Release() {
  fd_.Reset();
  Untrack();
}

int Program::OpenFd(Napi::Env env) const {
  if (!fd_.valid()) throw Napi::Error::New(env, "program " + name_ + " is closed");
  return fd_.get();
}

Napi::Value Program::GetFd(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), fd_.get()); }

Napi::Value Program::OpenPinned(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "pin path");
  LogCapture capture;
  OwnedFd fd(bpf_obj_get(path.c_str()));
  if (!fd.valid()) Throw(env, capture, "bpf_obj_get", path, ErrnoOf(fd.get()));
  std::string kind = BpfFdKind(fd.get());
  if (kind != "bpf-prog") Throw(env, capture, "bpf_obj_get", path, EINVAL, "pinned object is a " + kind + ", not a program");
  return Wrap(env, std::move(fd), "");
}

void Program::Pin(const Napi::CallbackInfo& info) { PinFd(info.Env(), OpenFd(info.Env()), StringArg(info, 0, "pin path")); }

void Program::Unpin(const Napi::CallbackInfo& info) { UnpinPath(info.Env(), StringArg(info, 0, "pin path")); }

Napi::Value Program::TestRun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Buffer<uint8_t> frame = BufferArg(info, 0, "frame");
  int repeat = static_cast<int>(IntegerArg(info, 1, "repeat", INT32_MAX));
  int64_t ingress = info[2].IsUndefined() ? -1 : static_cast<int64_t>(IntegerArg(info, 2, "ingress ifindex", UINT32_MAX));
  OwnedFd fd = Duplicate(OpenFd(env));
  if (!fd.valid()) Throw(env, Failure{"dup", name_, LastErrno(), "", {}});
  std::vector<uint8_t> bytes(frame.Data(), frame.Data() + frame.Length());
  auto* worker = new TestRunWorker(env, std::move(fd), name_, std::move(bytes), repeat, ingress);
  return worker->Start();
}

void DefineProgramFunctions(Napi::Env env, Napi::Object exports) {
  exports.Set("programInfo", Napi::Function::New<ProgramInfo>(env, "programInfo"));
}

}  // namespace raftctl
