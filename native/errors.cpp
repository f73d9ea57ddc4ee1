// SPDX-License-Identifier: GPL-2.0-only
#include "errors.hpp"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace raftctl {

namespace {

// The capture active on this thread, if any. Thread-local because libbpf calls the hook on whatever
// thread made the libbpf call (the JS thread or a libuv worker).
thread_local LogCapture* current_capture = nullptr;

int PrintHook(enum libbpf_print_level level, const char* format, va_list args) {
  LogCapture* capture = current_capture;
  // Debug output is a trace of every step; warnings and info are what explain a failure.
  if (capture == nullptr || level == LIBBPF_DEBUG) return 0;
  va_list copy;
  va_copy(copy, args);
  int length = vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (length <= 0) return 0;
  std::string text(static_cast<size_t>(length) + 1, '\0');
  vsnprintf(text.data(), text.size(), format, args);
  text.resize(static_cast<size_t>(length));
  capture->Append(text);
  return length;
}

std::string ErrnoName(int err) {
  const char* name = strerrorname_np(err);
  return name != nullptr ? name : "E" + std::to_string(err);
}

std::string ErrnoReason(int err) {
  const char* text = strerrordesc_np(err);
  std::string reason = text != nullptr ? text : "error " + std::to_string(err);
  // Lower-case the first letter so the reason reads as the tail of a sentence.
  if (!reason.empty() && reason[0] >= 'A' && reason[0] <= 'Z') reason[0] = static_cast<char>(reason[0] - 'A' + 'a');
  return reason;
}

}  // namespace

LogCapture::LogCapture() : previous_(current_capture) { current_capture = this; }

LogCapture::~LogCapture() { current_capture = previous_; }

void LogCapture::Append(const std::string& text) {
  partial_ += text;
  size_t start = 0;
  for (size_t nl; (nl = partial_.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string line = partial_.substr(start, nl - start);
    // libbpf prefixes its own messages; the prefix adds nothing once we know the source.
    static constexpr char kPrefix[] = "libbpf: ";
    if (line.compare(0, sizeof(kPrefix) - 1, kPrefix) == 0) line.erase(0, sizeof(kPrefix) - 1);
    if (!line.empty()) lines_.push_back(std::move(line));
  }
  partial_.erase(0, start);
}

std::vector<std::string> LogCapture::Take() {
  if (!partial_.empty()) Append("\n");
  return std::move(lines_);
}

void LogCapture::InstallHook() {
  static std::once_flag installed;
  std::call_once(installed, [] { libbpf_set_print(PrintHook); });
}

int ErrnoOf(int ret) { return ret < 0 ? -ret : LastErrno(); }

int LastErrno() { return errno != 0 ? errno : EIO; }

Napi::Error ToError(Napi::Env env, const Failure& failure) {
  std::string code = ErrnoName(failure.err);
  std::string reason = failure.detail.empty() ? ErrnoReason(failure.err) : failure.detail;
  std::string message = failure.op;
  if (!failure.target.empty()) message += " " + failure.target;
  message += ": " + reason + " (" + code + ")";

  Napi::Error error = Napi::Error::New(env, message);
  Napi::Object object = error.Value();
  object.Set("code", code);
  object.Set("errno", failure.err);
  object.Set("op", failure.op);
  object.Set("target", failure.target);
  object.Set("reason", reason);
  Napi::Array log = Napi::Array::New(env, failure.log.size());
  for (size_t i = 0; i < failure.log.size(); i++) log.Set(static_cast<uint32_t>(i), failure.log[i]);
  object.Set("log", log);
  return error;
}

void Throw(Napi::Env env, Failure failure) { throw ToError(env, failure); }

void Throw(Napi::Env env, LogCapture& capture, const std::string& op, const std::string& target, int err,
           const std::string& detail) {
  Throw(env, Failure{op, target, err, detail, capture.Take()});
}

}  // namespace raftctl
