// SPDX-License-Identifier: GPL-2.0-only
// Blocking libbpf work on the libuv pool, settled as a Promise on the JS thread.
#pragma once

#include <napi.h>

#include <optional>

#include "errors.hpp"

namespace raftctl {

/**
 * An AsyncWorker that resolves or rejects a Promise. Subclasses do the kernel work in Execute()
 * (never touching JS) and record a Failure instead of throwing; Result() builds the value on the
 * JS thread. Rejections carry the same Error shape as synchronous failures.
 */
class PromiseWorker : public Napi::AsyncWorker {
 public:
  explicit PromiseWorker(Napi::Env env, const char* resource_name)
      : Napi::AsyncWorker(env, resource_name), deferred_(Napi::Promise::Deferred::New(env)) {}

  /** Queues the work and returns its Promise. The worker deletes itself when done. */
  Napi::Promise Start() {
    Napi::Promise promise = deferred_.Promise();
    Queue();
    return promise;
  }

 protected:
  /** The resolved value, built on the JS thread after a successful Execute(). */
  virtual Napi::Value Result(Napi::Env env) = 0;

  std::optional<Failure> failure_;

 private:
  // Runs on the JS thread once Execute() is done. The environment may be shutting down by then (a
  // worker terminated, the process exiting with the work in flight): Node still completes the work,
  // but JS can no longer run, so building the value or settling the promise fails and node-addon-api
  // throws a Napi::Error. Escaping from here, it would unwind into C and std::terminate the whole
  // process; so a promise that cannot be settled is dropped, as nothing is left to observe it.
  void OnOK() override {
    Napi::Env env = Env();
    try {
      if (failure_) {
        Settle(false, ToError(env, *failure_).Value());
      } else {
        Settle(true, Result(env));
      }
    } catch (const Napi::Error& error) {
      Settle(false, error.Value());
    }
  }

  void OnError(const Napi::Error& error) override {
    try {
      Settle(false, error.Value());
    } catch (const Napi::Error&) {
      // error.Value() itself failed: the environment is going away.
    }
  }

  /** Resolves or rejects; a failure to (the environment is going away) is ignored. */
  void Settle(bool resolve, napi_value value) noexcept {
    try {
      if (resolve) {
        deferred_.Resolve(value);
      } else {
        deferred_.Reject(value);
      }
    } catch (const Napi::Error&) {
      // Only a terminating environment refuses to settle a promise; no JS is left to see it.
    }
  }

  Napi::Promise::Deferred deferred_;
};

}  // namespace raftctl
