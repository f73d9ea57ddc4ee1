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
  void OnOK() override {
    Napi::Env env = Env();
    if (failure_) {
      deferred_.Reject(ToError(env, *failure_).Value());
      return;
    }
    try {
      deferred_.Resolve(Result(env));
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    }
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

  Napi::Promise::Deferred deferred_;
};

}  // namespace raftctl
