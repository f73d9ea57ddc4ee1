// SPDX-License-Identifier: GPL-2.0-only
#include "map.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "btf-layout.hpp"
#include "errors.hpp"
#include "mapped-memory.hpp"

namespace raftctl {

namespace {

struct MapInit {
  OwnedFd fd;
  std::string name;
  struct bpf_map_info info;
  uint32_t object_btf_id;
};

bool IsPerCpu(uint32_t type) {
  switch (type) {
    case BPF_MAP_TYPE_PERCPU_HASH:
    case BPF_MAP_TYPE_PERCPU_ARRAY:
    case BPF_MAP_TYPE_LRU_PERCPU_HASH:
    case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
      return true;
    default:
      return false;
  }
}

std::string MapTypeName(uint32_t type) {
  const char* name = libbpf_bpf_map_type_str(static_cast<enum bpf_map_type>(type));
  return name != nullptr ? name : "unknown(" + std::to_string(type) + ")";
}

}  // namespace

Napi::Function Map::Define(Napi::Env env, RaftctlAddon& addon) {
  Napi::Function cls = DefineClass(env, "Map",
                                   {
                                       StaticMethod<&Map::OpenPinned>("openPinned"),
                                       InstanceAccessor<&Map::GetFd>("fd"),
                                       InstanceMethod<&Map::GetInfo>("info"),
                                       InstanceMethod<&Map::Lookup>("lookup"),
                                       InstanceMethod<&Map::Update>("update"),
                                       InstanceMethod<&Map::Delete>("delete"),
                                       InstanceMethod<&Map::Keys>("keys"),
                                       InstanceMethod<&Map::Pin>("pin"),
                                       InstanceMethod<&Map::Unpin>("unpin"),
                                       InstanceMethod<&Map::Mmap>("mmap"),
                                       InstanceMethod<&Map::KeyLayout>("keyLayout"),
                                       InstanceMethod<&Map::ValueLayout>("valueLayout"),
                                       InstanceMethod<&Map::FindType>("findType"),
                                       InstanceMethod<&Map::Close>("close"),
                                   });
  addon.map_class = Napi::Persistent(cls);
  return cls;
}

Napi::Object Map::Wrap(Napi::Env env, OwnedFd fd, const std::string& name, uint32_t object_btf_id) {
  LogCapture capture;
  MapInit init{std::move(fd), name, {}, object_btf_id};
  uint32_t length = sizeof(init.info);
  int ret = bpf_obj_get_info_by_fd(init.fd.get(), &init.info, &length);
  if (ret < 0) Throw(env, capture, "bpf_obj_get_info_by_fd", name, ErrnoOf(ret));
  if (init.name.empty()) init.name = init.info.name;
  return AddonOf(env).map_class.New({Napi::External<MapInit>::New(env, &init)});
}

Map::Map(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Map>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "Map is not constructible: use BpfObject.map() or Map.openPinned()");
  }
  MapInit& init = *info[0].As<Napi::External<MapInit>>().Data();
  fd_ = std::move(init.fd);
  name_ = init.name;
  info_ = init.info;
  object_btf_id_ = init.object_btf_id;
  if (IsPerCpu(info_.type)) possible_cpus_ = libbpf_num_possible_cpus();
  Track(info.Env());
}

Map::~Map() { Release(); }

void Map::Release() {
  fd_.Reset();
  btf__free(btf_);
  btf_ = nullptr;
  Untrack();
}

int Map::OpenFd(Napi::Env env) const {
  if (!fd_.valid()) throw Napi::Error::New(env, "map " + name_ + " is closed");
  return fd_.get();
}

size_t Map::ValueBufferSize() const {
  if (!IsPerCpu(info_.type)) return info_.value_size;
  // The kernel copies each CPU's value into an 8-byte aligned slot.
  return ((info_.value_size + 7) / 8 * 8) * static_cast<size_t>(possible_cpus_);
}

std::vector<uint8_t> Map::KeyBytes(Napi::Env env, const Napi::Value& value, const char* op) const {
  if (!value.IsBuffer()) throw Napi::TypeError::New(env, "key must be a Buffer");
  Napi::Buffer<uint8_t> key = value.As<Napi::Buffer<uint8_t>>();
  if (key.Length() > info_.key_size) {
    Throw(env, Failure{op, name_, EINVAL,
                       "key is " + std::to_string(key.Length()) + " bytes, the map's keys are " +
                           std::to_string(info_.key_size),
                       {}});
  }
  // Zero-filled so a short key (or one built without its padding) never sends stray bytes.
  std::vector<uint8_t> bytes(info_.key_size, 0);
  std::memcpy(bytes.data(), key.Data(), key.Length());
  return bytes;
}

Napi::Value Map::GetInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("name", name_);
  result.Set("id", info_.id);
  result.Set("type", MapTypeName(info_.type));
  result.Set("keySize", info_.key_size);
  result.Set("valueSize", info_.value_size);
  result.Set("maxEntries", info_.max_entries);
  result.Set("flags", info_.map_flags);
  result.Set("btfId", info_.btf_id);
  result.Set("btfKeyTypeId", info_.btf_key_type_id);
  result.Set("btfValueTypeId", info_.btf_value_type_id);
  result.Set("valueBufferSize", static_cast<double>(ValueBufferSize()));
  result.Set("perCpu", IsPerCpu(info_.type));
  result.Set("possibleCpus", possible_cpus_);
  return result;
}

Napi::Value Map::OpenPinned(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = StringArg(info, 0, "pin path");
  LogCapture capture;
  OwnedFd fd(bpf_obj_get(path.c_str()));
  if (!fd.valid()) Throw(env, capture, "bpf_obj_get", path, ErrnoOf(fd.get()));
  std::string kind = BpfFdKind(fd.get());
  if (kind != "bpf-map") Throw(env, capture, "bpf_obj_get", path, EINVAL, "pinned object is a " + kind + ", not a map");
  return Wrap(env, std::move(fd), "");
}

Napi::Value Map::Lookup(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = OpenFd(env);
  std::vector<uint8_t> key = KeyBytes(env, info[0], "bpf_map_lookup_elem");
  Napi::Buffer<uint8_t> value = Napi::Buffer<uint8_t>::New(env, ValueBufferSize());
  LogCapture capture;
  int ret = bpf_map_lookup_elem(fd, key.data(), value.Data());
  if (ret < 0) {
    if (ret == -ENOENT) return env.Null();
    Throw(env, capture, "bpf_map_lookup_elem", name_, ErrnoOf(ret));
  }
  return value;
}

void Map::Update(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = OpenFd(env);
  std::vector<uint8_t> key = KeyBytes(env, info[0], "bpf_map_update_elem");
  Napi::Buffer<uint8_t> value = BufferArg(info, 1, "value");
  uint64_t flags = IntegerArg(info, 2, "update flags", BPF_F_LOCK);
  if (value.Length() != ValueBufferSize()) {
    Throw(env, Failure{"bpf_map_update_elem", name_, EINVAL,
                       "value is " + std::to_string(value.Length()) + " bytes, the map needs " +
                           std::to_string(ValueBufferSize()),
                       {}});
  }
  LogCapture capture;
  int ret = bpf_map_update_elem(fd, key.data(), value.Data(), flags);
  if (ret < 0) Throw(env, capture, "bpf_map_update_elem", name_, ErrnoOf(ret));
}

Napi::Value Map::Delete(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = OpenFd(env);
  std::vector<uint8_t> key = KeyBytes(env, info[0], "bpf_map_delete_elem");
  LogCapture capture;
  int ret = bpf_map_delete_elem(fd, key.data());
  if (ret < 0) {
    if (ret == -ENOENT) return Napi::Boolean::New(env, false);
    Throw(env, capture, "bpf_map_delete_elem", name_, ErrnoOf(ret));
  }
  return Napi::Boolean::New(env, true);
}

Napi::Value Map::Keys(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = OpenFd(env);
  Napi::Array keys = Napi::Array::New(env);
  std::vector<uint8_t> current(info_.key_size), next(info_.key_size);
  LogCapture capture;
  // A hash map whose current key is deleted mid-walk restarts from its first key; the cap keeps such
  // a walk finite (a map never holds more than max_entries keys).
  for (uint32_t count = 0; count < info_.max_entries; count++) {
    int ret = bpf_map_get_next_key(fd, count == 0 ? nullptr : current.data(), next.data());
    if (ret < 0) {
      if (ret == -ENOENT) break;
      Throw(env, capture, "bpf_map_get_next_key", name_, ErrnoOf(ret));
    }
    keys.Set(count, Napi::Buffer<uint8_t>::Copy(env, next.data(), next.size()));
    current.swap(next);
  }
  return keys;
}

void Map::Pin(const Napi::CallbackInfo& info) { PinFd(info.Env(), OpenFd(info.Env()), StringArg(info, 0, "pin path")); }

void Map::Unpin(const Napi::CallbackInfo& info) { UnpinPath(info.Env(), StringArg(info, 0, "pin path")); }

Napi::Value Map::Mmap(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = OpenFd(env);
  LogCapture capture;
  if (info_.type != BPF_MAP_TYPE_ARRAY || !(info_.map_flags & BPF_F_MMAPABLE)) {
    Throw(env, capture, "mmap", name_, EINVAL, "only array maps created with BPF_F_MMAPABLE can be mapped");
  }
  // The kernel lays array values out 8-byte aligned and maps whole pages.
  size_t data_size = static_cast<size_t>((info_.value_size + 7) / 8 * 8) * info_.max_entries;
  size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  size_t mapped_size = (data_size + page - 1) / page * page;
  // A frozen (read-only) map refuses a writable shared mapping.
  bool read_only = (info_.map_flags & BPF_F_RDONLY) != 0;
  int protection = read_only ? PROT_READ : PROT_READ | PROT_WRITE;
  void* address = mmap(nullptr, mapped_size, protection, MAP_SHARED, fd, 0);
  if (address == MAP_FAILED) {
    int err = LastErrno();
    Throw(env, capture, "mmap", name_, err);
  }
  return MappedMemory::Wrap(env, address, mapped_size, data_size, read_only, name_);
}

const struct btf* Map::Btf(Napi::Env env) {
  uint32_t btf_id = info_.btf_id != 0 ? info_.btf_id : object_btf_id_;
  if (btf_ != nullptr || btf_id == 0) return btf_;
  LogCapture capture;
  btf_ = btf__load_from_kernel_by_id(btf_id);
  if (btf_ == nullptr) {
    int err = LastErrno();
    Throw(env, capture, "btf__load_from_kernel_by_id", name_, err);
  }
  return btf_;
}

Napi::Value Map::KeyLayout(const Napi::CallbackInfo& info) {
  return TypeLayout(info.Env(), Btf(info.Env()), info_.btf_key_type_id);
}

Napi::Value Map::ValueLayout(const Napi::CallbackInfo& info) {
  return TypeLayout(info.Env(), Btf(info.Env()), info_.btf_value_type_id);
}

Napi::Value Map::FindType(const Napi::CallbackInfo& info) {
  std::string name = StringArg(info, 0, "type name");
  return FindTypeLayout(info.Env(), Btf(info.Env()), name);
}

}  // namespace raftctl
