// SPDX-License-Identifier: GPL-2.0-only
// Small helpers shared by the wrappers: an owning fd, argument checks, bpffs paths.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace raftctl {

/** Owns one file descriptor; closes it when destroyed. Move-only. */
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  OwnedFd(OwnedFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  OwnedFd& operator=(OwnedFd&& other) noexcept;
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  ~OwnedFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset();

 private:
  int fd_ = -1;
};

/** A duplicate of `fd` that the caller owns (kernel objects stay alive while any fd refers to them). */
OwnedFd Duplicate(int fd);

/** mkdir -p; returns 0 or a positive errno. */
int MakeDirs(const std::string& path);

/** The directory part of a path ("" when it has none). */
std::string ParentDir(const std::string& path);

/** Pins a BPF fd at `path` on bpffs, creating parent directories as libbpf's own pin helpers do. Throws. */
void PinFd(Napi::Env env, int fd, const std::string& path);

/** Removes a pin. Throws (ENOENT when there is none). */
void UnpinPath(Napi::Env env, const std::string& path);

/** What a BPF fd refers to, from its anon inode name: "bpf-prog", "bpf-map", "bpf-link", ... */
std::string BpfFdKind(int fd);

/** Argument i as a string, or a TypeError naming `what` (also when it holds a NUL byte). */
std::string StringArg(const Napi::CallbackInfo& info, size_t i, const char* what);

/** `value` unchanged, or a TypeError naming `what` when it holds a NUL byte (C strings would cut it there). */
std::string CheckNoNul(Napi::Env env, std::string value, const char* what);

/** Argument i as a non-negative integer that fits in `max`, or a TypeError/RangeError naming `what`. */
uint64_t IntegerArg(const Napi::CallbackInfo& info, size_t i, const char* what, uint64_t max);

/** Argument i as the bytes of a Buffer, or a TypeError naming `what`. */
Napi::Buffer<uint8_t> BufferArg(const Napi::CallbackInfo& info, size_t i, const char* what);

/** Argument i as a u64 BigInt, or a TypeError naming `what`. */
uint64_t BigUint64Arg(const Napi::CallbackInfo& info, size_t i, const char* what);

}  // namespace raftctl
