// SPDX-License-Identifier: GPL-2.0-only
// Turning libbpf failures into one JS Error with code, errno, op, target and the libbpf log.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

namespace raftctl {

/**
 * Collects what libbpf prints (its warnings, kernel extack messages, verifier logs) on the current
 * thread while this object lives. libbpf has one process-wide print hook, so the hook writes into a
 * thread-local capture: each call, on the JS thread or a worker, sees only its own lines.
 */
class LogCapture {
 public:
  LogCapture();
  ~LogCapture();
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  /** Returns the complete lines captured so far and forgets them. */
  std::vector<std::string> Take();

  /** Installs the libbpf print hook; idempotent, process-wide by libbpf's design. */
  static void InstallHook();

  /** Appends printed text; splits it into lines. Used by the hook. */
  void Append(const std::string& text);

 private:
  LogCapture* previous_;
  std::vector<std::string> lines_;
  std::string partial_;
};

/** One failed libbpf or kernel call, as data: built on any thread, turned into an Error on the JS thread. */
struct Failure {
  std::string op;      // the failing call, e.g. "bpf_xdp_attach"
  std::string target;  // what it acted on, e.g. "eth0" or a pin path
  int err = 0;         // positive errno
  std::string detail;  // replaces the strerror text when the errno alone would mislead
  std::vector<std::string> log;
};

/** Positive errno from a libbpf return value (negative errno) or, failing that, from errno. */
int ErrnoOf(int ret);

/** errno after a failed call that reports through errno only (libc, pointer-returning libbpf). */
int LastErrno();

/** Builds the JS Error for a failure: message "op target: reason (CODE)" plus the properties. */
Napi::Error ToError(Napi::Env env, const Failure& failure);

/** Throws the failure as a JS exception (NAPI_CPP_EXCEPTIONS carries it to the caller). */
[[noreturn]] void Throw(Napi::Env env, Failure failure);

/** Throws a failure whose log is what `capture` collected. */
[[noreturn]] void Throw(Napi::Env env, LogCapture& capture, const std::string& op,
                        const std::string& target, int err, const std::string& detail = "");

}  // namespace raftctl
