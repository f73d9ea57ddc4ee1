// SPDX-License-Identifier: GPL-2.0-only
#include "mapped-memory.hpp"

#include <sys/mman.h>

#include "util.hpp"

namespace raftctl {

namespace {

struct MappedInit {
  void* address;
  size_t mapped_size;
  size_t data_size;
  bool read_only;
  std::string name;
};

}  // namespace

Napi::Function MappedMemory::Define(Napi::Env env, RaftctlAddon& addon) {
  Napi::Function cls = DefineClass(env, "MappedMemory",
                                   {
                                       InstanceAccessor<&MappedMemory::GetSize>("size"),
                                       InstanceMethod<&MappedMemory::LoadU64>("loadU64"),
                                       InstanceMethod<&MappedMemory::StoreU64>("storeU64"),
                                       InstanceMethod<&MappedMemory::CompareExchangeU64>("compareExchangeU64"),
                                       InstanceMethod<&MappedMemory::LoadU32>("loadU32"),
                                       InstanceMethod<&MappedMemory::StoreU32>("storeU32"),
                                       InstanceMethod<&MappedMemory::CompareExchangeU32>("compareExchangeU32"),
                                       InstanceMethod<&MappedMemory::Close>("close"),
                                   });
  addon.mapped_memory_class = Napi::Persistent(cls);
  return cls;
}

Napi::Object MappedMemory::Wrap(Napi::Env env, void* address, size_t mapped_size, size_t data_size,
                                bool read_only, const std::string& name) {
  MappedInit init{address, mapped_size, data_size, read_only, name};
  try {
    return AddonOf(env).mapped_memory_class.New({Napi::External<MappedInit>::New(env, &init)});
  } catch (...) {
    munmap(address, mapped_size);
    throw;
  }
}

MappedMemory::MappedMemory(const Napi::CallbackInfo& info) : Napi::ObjectWrap<MappedMemory>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    throw Napi::TypeError::New(info.Env(), "MappedMemory is not constructible: use map.mmap()");
  }
  const MappedInit& init = *info[0].As<Napi::External<MappedInit>>().Data();
  address_ = init.address;
  mapped_size_ = init.mapped_size;
  data_size_ = init.data_size;
  read_only_ = init.read_only;
  name_ = init.name;
  Track(info.Env());
}

MappedMemory::~MappedMemory() { Release(); }

void MappedMemory::Release() {
  if (address_ != nullptr) munmap(address_, mapped_size_);
  address_ = nullptr;
  Untrack();
}

template <typename Word>
Word* MappedMemory::WordAt(const Napi::CallbackInfo& info, bool write) {
  Napi::Env env = info.Env();
  if (address_ == nullptr) throw Napi::Error::New(env, "mapped memory of map " + name_ + " is closed");
  size_t offset = IntegerArg(info, 0, "offset", data_size_);
  if (offset % sizeof(Word) != 0) {
    throw Napi::RangeError::New(env, "offset " + std::to_string(offset) + " is not " +
                                         std::to_string(sizeof(Word)) + "-byte aligned");
  }
  if (offset + sizeof(Word) > data_size_) {
    throw Napi::RangeError::New(env, "offset " + std::to_string(offset) + " is outside the " +
                                         std::to_string(data_size_) + " bytes of map " + name_);
  }
  if (write && read_only_) throw Napi::Error::New(env, "map " + name_ + " is mapped read-only");
  return reinterpret_cast<Word*>(static_cast<uint8_t*>(address_) + offset);
}

Napi::Value MappedMemory::LoadU64(const Napi::CallbackInfo& info) {
  uint64_t* word = WordAt<uint64_t>(info, false);
  return Napi::BigInt::New(info.Env(), __atomic_load_n(word, __ATOMIC_SEQ_CST));
}

void MappedMemory::StoreU64(const Napi::CallbackInfo& info) {
  uint64_t value = BigUint64Arg(info, 1, "value");
  __atomic_store_n(WordAt<uint64_t>(info, true), value, __ATOMIC_SEQ_CST);
}

Napi::Value MappedMemory::CompareExchangeU64(const Napi::CallbackInfo& info) {
  uint64_t expected = BigUint64Arg(info, 1, "expected");
  uint64_t desired = BigUint64Arg(info, 2, "desired");
  uint64_t* word = WordAt<uint64_t>(info, true);
  // On failure `expected` receives the current value; either way it is the value before the call.
  __atomic_compare_exchange_n(word, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return Napi::BigInt::New(info.Env(), expected);
}

Napi::Value MappedMemory::LoadU32(const Napi::CallbackInfo& info) {
  uint32_t* word = WordAt<uint32_t>(info, false);
  return Napi::Number::New(info.Env(), __atomic_load_n(word, __ATOMIC_SEQ_CST));
}

void MappedMemory::StoreU32(const Napi::CallbackInfo& info) {
  uint32_t value = static_cast<uint32_t>(IntegerArg(info, 1, "value", UINT32_MAX));
  __atomic_store_n(WordAt<uint32_t>(info, true), value, __ATOMIC_SEQ_CST);
}

Napi::Value MappedMemory::CompareExchangeU32(const Napi::CallbackInfo& info) {
  uint32_t expected = static_cast<uint32_t>(IntegerArg(info, 1, "expected", UINT32_MAX));
  uint32_t desired = static_cast<uint32_t>(IntegerArg(info, 2, "desired", UINT32_MAX));
  uint32_t* word = WordAt<uint32_t>(info, true);
  __atomic_compare_exchange_n(word, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  return Napi::Number::New(info.Env(), expected);
}

}  // namespace raftctl
