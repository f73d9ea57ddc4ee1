// SPDX-License-Identifier: GPL-2.0-only
#include "util.hpp"

#include <bpf/bpf.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>

#include "errors.hpp"

namespace raftctl {

OwnedFd& OwnedFd::operator=(OwnedFd&& other) noexcept {
  if (this != &other) {
    Reset();
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

void OwnedFd::Reset() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

OwnedFd Duplicate(int fd) { return OwnedFd(fd < 0 ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0)); }

int MakeDirs(const std::string& path) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) return errno;
    if (slash == std::string::npos) return 0;
  }
}

std::string ParentDir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string BpfFdKind(int fd) {
  std::string link = "/proc/self/fd/" + std::to_string(fd);
  char target[256];
  ssize_t length = readlink(link.c_str(), target, sizeof(target) - 1);
  if (length < 0) return "";
  std::string name(target, static_cast<size_t>(length));
  static constexpr char kPrefix[] = "anon_inode:";
  return name.compare(0, sizeof(kPrefix) - 1, kPrefix) == 0 ? name.substr(sizeof(kPrefix) - 1) : name;
}

std::string StringArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (!info[i].IsString()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  return CheckNoNul(info.Env(), info[i].As<Napi::String>().Utf8Value(), what);
}

std::string CheckNoNul(Napi::Env env, std::string value, const char* what) {
  // Every string we take ends up as a C string (a path, an interface or object name), where an
  // embedded NUL would silently cut it short: 'lo\0x' would name lo.
  if (value.find('\0') != std::string::npos) {
    throw Napi::TypeError::New(env, std::string(what) + " must not contain a NUL byte");
  }
  return value;
}

uint64_t IntegerArg(const Napi::CallbackInfo& info, size_t i, const char* what, uint64_t max) {
  if (!info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  double value = info[i].As<Napi::Number>().DoubleValue();
  if (!(value >= 0) || std::floor(value) != value || value > static_cast<double>(max)) {
    throw Napi::RangeError::New(info.Env(), std::string(what) + " must be an integer from 0 to " + std::to_string(max));
  }
  return static_cast<uint64_t>(value);
}

Napi::Buffer<uint8_t> BufferArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (!info[i].IsBuffer()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a Buffer");
  return info[i].As<Napi::Buffer<uint8_t>>();
}

uint64_t BigUint64Arg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (!info[i].IsBigInt()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a bigint");
  bool lossless = false;
  uint64_t value = info[i].As<Napi::BigInt>().Uint64Value(&lossless);
  if (!lossless) throw Napi::RangeError::New(info.Env(), std::string(what) + " must fit in an unsigned 64-bit integer");
  return value;
}

void PinFd(Napi::Env env, int fd, const std::string& path) {
  LogCapture capture;
  int err = MakeDirs(ParentDir(path));
  if (err != 0) Throw(env, capture, "mkdir", ParentDir(path), err);
  int ret = bpf_obj_pin(fd, path.c_str());
  if (ret < 0) Throw(env, capture, "bpf_obj_pin", path, ErrnoOf(ret));
}

void UnpinPath(Napi::Env env, const std::string& path) {
  LogCapture capture;
  if (unlink(path.c_str()) != 0) Throw(env, capture, "unlink", path, LastErrno());
}

}  // namespace raftctl
