// SPDX-License-Identifier: GPL-2.0-only
#include "object.hpp"

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "btf-layout.hpp"
#include "errors.hpp"
#include "map.hpp"
#include "program.hpp"
#include "promise-worker.hpp"
#include "util.hpp"

namespace raftctl {

namespace {

struct ObjectInit {
  struct bpf_object* object;
  std::string path;
};

using Globals = std::vector<std::pair<std::string, std::vector<uint8_t>>>;

/** Where a global variable lives: its data section (a libbpf internal map) and byte range. */
struct GlobalSlot {
  std::string section;
  uint32_t offset = 0;
  uint32_t size = 0;
};

bool FindGlobal(const struct btf* btf, const std::string& name, GlobalSlot& slot) {
  for (uint32_t id = 1; id < btf__type_cnt(btf); id++) {
    const struct btf_type* section = btf__type_by_id(btf, id);
    if (!btf_is_datasec(section)) continue;
    const struct btf_var_secinfo* vars = btf_var_secinfos(section);
    for (uint32_t i = 0; i < btf_vlen(section); i++) {
      const struct btf_type* var = btf__type_by_id(btf, vars[i].type);
      if (name != btf__name_by_offset(btf, var->name_off)) continue;
      slot = {btf__name_by_offset(btf, section->name_off), vars[i].offset, vars[i].size};
      return true;
    }
  }
  return false;
}

// Writes one global's initial value into its section's map image; must run between open and load.
bool SetGlobal(struct bpf_object* object, const std::string& path, const std::string& name,
               const std::vector<uint8_t>& value, Failure& failure) {
  const struct btf* btf = bpf_object__btf(object);
  GlobalSlot slot;
  if (btf == nullptr) {
    failure = {"set global", path, ENOENT, "object has no BTF, so no globals can be set (compile with -g)", {}};
    return false;
  }
  if (!FindGlobal(btf, name, slot)) {
    failure = {"set global", path, ENOENT, "no global variable named " + name, {}};
    return false;
  }
  if (value.size() != slot.size) {
    failure = {"set global", path, EINVAL,
               "global " + name + " is " + std::to_string(slot.size) + " bytes, got " + std::to_string(value.size()),
               {}};
    return false;
  }
  // A leading dot selects libbpf's internal map for that ELF section (.rodata, .data, .bss).
  struct bpf_map* map = bpf_object__find_map_by_name(object, slot.section.c_str());
  size_t image_size = 0;
  const void* image = map != nullptr ? bpf_map__initial_value(map, &image_size) : nullptr;
  if (image == nullptr || slot.offset + slot.size > image_size) {
    failure = {"set global", path, ENOENT, "global " + name + " is in " + slot.section + ", which has no data map", {}};
    return false;
  }
  std::vector<uint8_t> data(static_cast<const uint8_t*>(image), static_cast<const uint8_t*>(image) + image_size);
  std::memcpy(data.data() + slot.offset, value.data(), value.size());
  int ret = bpf_map__set_initial_value(map, data.data(), data.size());
  if (ret < 0) {
    failure = {"bpf_map__set_initial_value", name, ErrnoOf(ret), "", {}};
    return false;
  }
  return true;
}

// The id the kernel gave the object's BTF when it was loaded (0 if it has none there).
uint32_t KernelBtfId(const struct btf* btf) {
  if (btf == nullptr || btf__fd(btf) < 0) return 0;
  struct bpf_btf_info info = {};
  uint32_t length = sizeof(info);
  return bpf_obj_get_info_by_fd(btf__fd(btf), &info, &length) == 0 ? info.id : 0;
}

class LoadWorker : public PromiseWorker {
 public:
  LoadWorker(Napi::Env env, std::string path, std::string pin_root, Globals globals)
      : PromiseWorker(env, "raftctl:load"), path_(std::move(path)), pin_root_(std::move(pin_root)),
        globals_(std::move(globals)) {}

  ~LoadWorker() override { bpf_object__close(object_); }

 protected:
  void Execute() override {
    LogCapture capture;
    struct bpf_object_open_opts opts = {};
    opts.sz = sizeof(opts);
    opts.pin_root_path = pin_root_.empty() ? nullptr : pin_root_.c_str();
    object_ = bpf_object__open_file(path_.c_str(), &opts);
    if (object_ == nullptr) {
      int err = LastErrno();
      failure_ = Failure{"bpf_object__open_file", path_, err, "", capture.Take()};
      return;
    }
    for (const auto& [name, value] : globals_) {
      Failure failure;
      if (!SetGlobal(object_, path_, name, value, failure)) {
        failure.log = capture.Take();
        failure_ = std::move(failure);
        return;
      }
    }
    if (pin_root_.empty()) {
      // Without a pin root libbpf would pin LIBBPF_PIN_BY_NAME maps in /sys/fs/bpf itself and
      // reuse whatever another load left there; a load without one keeps its maps private.
      struct bpf_map* map;
      bpf_object__for_each_map(map, object_) bpf_map__set_pin_path(map, nullptr);
    } else if (int err = MakeDirs(pin_root_); err != 0) {
      // libbpf pins into pin_root but does not create it.
      failure_ = Failure{"mkdir", pin_root_, err, "", capture.Take()};
      return;
    }
    int ret = bpf_object__load(object_);
    if (ret < 0) failure_ = Failure{"bpf_object__load", path_, ErrnoOf(ret), "", capture.Take()};
  }

  Napi::Value Result(Napi::Env env) override {
    ObjectInit init{std::exchange(object_, nullptr), path_};
    try {
      return AddonOf(env).object_class.New({Napi::External<ObjectInit>::New(env, &init)});
    } catch (...) {
      bpf_object__close(init.object);
      throw;
    }
  }

 private:
  std::string path_;
  std::string pin_root_;
  Globals globals_;
  struct bpf_object* object_ = nullptr;
};

}  // namespace

Napi::Function BpfObject::Define(Napi::Env env, RaftctlAddon& addon) {
  Napi::Function cls = DefineClass(env, "BpfObject",
                                   {
                                       StaticMethod<&BpfObject::Load>("load"),
                                       InstanceMethod<&BpfObject::ProgramNames>("programNames"),
                                       InstanceMethod<&BpfObject::MapNames>("mapNames"),
                                       InstanceMethod<&BpfObject::GetProgram>("program"),
                                       InstanceMethod<&BpfObject::GetMap>("map"),
                                       InstanceMethod<&BpfObject::FindType>("findType"),
                                       InstanceMethod<&BpfObject::Close>("close"),
                                   });
  addon.object_class = Napi::Persistent(cls);
  return cls;
}

BpfObject::BpfObject(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BpfObject>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "BpfObject is not constructible: use BpfObject.load()");
  }
  const ObjectInit& init = *info[0].As<Napi::External<ObjectInit>>().Data();
  object_ = init.object;
  path_ = init.path;
  Track(info.Env());
}

BpfObject::~BpfObject() { Release(); }

void BpfObject::Release() {
  // Closing does not unpin: pinned maps outlive the object by design.
  bpf_object__close(object_);
  object_ = nullptr;
  Untrack();
}

struct bpf_object* BpfObject::Open(Napi::Env env) const {
  if (object_ == nullptr) throw Napi::Error::New(env, "BPF object " + path_ + " is closed");
  return object_;
}

Napi::Value BpfObject::Load(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "object path");
  std::string pin_root = info[1].IsUndefined() ? "" : StringArg(info, 1, "pin root");
  Globals globals;
  if (!info[2].IsUndefined()) {
    if (!info[2].IsObject()) throw Napi::TypeError::New(env, "globals must be an object of Buffers");
    Napi::Object object = info[2].As<Napi::Object>();
    Napi::Array names = object.GetPropertyNames();
    for (uint32_t i = 0; i < names.Length(); i++) {
      std::string name = CheckNoNul(env, names.Get(i).As<Napi::String>().Utf8Value(), "global name");
      Napi::Value value = object.Get(name);
      if (!value.IsBuffer()) throw Napi::TypeError::New(env, "global " + name + " must be a Buffer");
      auto bytes = value.As<Napi::Buffer<uint8_t>>();
      globals.emplace_back(name, std::vector<uint8_t>(bytes.Data(), bytes.Data() + bytes.Length()));
    }
  }
  return (new LoadWorker(env, path, pin_root, std::move(globals)))->Start();
}

Napi::Value BpfObject::ProgramNames(const Napi::CallbackInfo& info) {
  Napi::Array names = Napi::Array::New(info.Env());
  struct bpf_program* program;
  uint32_t i = 0;
  bpf_object__for_each_program(program, Open(info.Env())) names.Set(i++, bpf_program__name(program));
  return names;
}

Napi::Value BpfObject::MapNames(const Napi::CallbackInfo& info) {
  Napi::Array names = Napi::Array::New(info.Env());
  struct bpf_map* map;
  uint32_t i = 0;
  bpf_object__for_each_map(map, Open(info.Env())) names.Set(i++, bpf_map__name(map));
  return names;
}

Napi::Value BpfObject::GetProgram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = StringArg(info, 0, "program name");
  LogCapture capture;
  struct bpf_program* program = bpf_object__find_program_by_name(Open(env), name.c_str());
  if (program == nullptr) Throw(env, capture, "bpf_object__find_program_by_name", name, ENOENT, "no program " + name + " in " + path_);
  OwnedFd fd = Duplicate(bpf_program__fd(program));
  if (!fd.valid()) Throw(env, capture, "bpf_program__fd", name, ErrnoOf(bpf_program__fd(program)));
  return Program::Wrap(env, std::move(fd), name);
}

Napi::Value BpfObject::GetMap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = StringArg(info, 0, "map name");
  LogCapture capture;
  struct bpf_map* map = bpf_object__find_map_by_name(Open(env), name.c_str());
  if (map == nullptr) Throw(env, capture, "bpf_object__find_map_by_name", name, ENOENT, "no map " + name + " in " + path_);
  OwnedFd fd = Duplicate(bpf_map__fd(map));
  if (!fd.valid()) Throw(env, capture, "bpf_map__fd", name, ErrnoOf(bpf_map__fd(map)));
  return Map::Wrap(env, std::move(fd), bpf_map__name(map), KernelBtfId(bpf_object__btf(object_)));
}

Napi::Value BpfObject::FindType(const Napi::CallbackInfo& info) {
  std::string name = StringArg(info, 0, "type name");
  return FindTypeLayout(info.Env(), bpf_object__btf(Open(info.Env())), name);
}

}  // namespace raftctl
