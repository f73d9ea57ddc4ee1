// SPDX-License-Identifier: GPL-2.0-only
// A BPF ring buffer consumed on its own thread, each record handed to JS as a Buffer.
#pragma once

#include <bpf/libbpf.h>
#include <napi.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "addon.hpp"
#include "util.hpp"

namespace raftctl {

/**
 * Consumes a BPF_MAP_TYPE_RINGBUF map on a dedicated thread (the libuv pool is too small to park a
 * poller on) and delivers records through an unref'd thread-safe function, so an open ring buffer
 * never keeps the process alive. JS: new RingBuffer(mapFd, name, deliver), where deliver gets
 * (record), (null, error) when polling fails, or (null, null, n) when n flush() requests are done.
 * ref()/unref() let a caller keep the process alive while it awaits a flush.
 */
class RingBuffer : public Napi::ObjectWrap<RingBuffer>, public Resource {
 public:
  static Napi::Function Define(Napi::Env env, RaftctlAddon& addon);

  explicit RingBuffer(const Napi::CallbackInfo& info);
  ~RingBuffer() override;
  /** Stops and joins the poll thread, then frees the ring buffer; idempotent. */
  void Release() override;

  /** A record, a poll failure or a flush marker on its way to the JS thread. */
  struct Delivery {
    std::vector<uint8_t> bytes;
    int err = 0;              // a poll failure when set
    uint32_t flushed = 0;     // flush() requests answered by this marker
    std::string target;       // the map name, for a failure's message
    std::shared_ptr<std::atomic<bool>> closed;
  };

 private:
  void Close(const Napi::CallbackInfo& info) { Release(); }
  void Flush(const Napi::CallbackInfo& info);
  void Ref(const Napi::CallbackInfo& info);
  void Unref(const Napi::CallbackInfo& info);
  void Poll();
  void Wake();
  void Deliver(Delivery* delivery);
  static int OnSample(void* context, void* data, size_t size);
  static void CallJs(Napi::Env env, Napi::Function deliver, std::nullptr_t*, Delivery* delivery);

  using Channel = Napi::TypedThreadSafeFunction<std::nullptr_t, Delivery, &RingBuffer::CallJs>;

  OwnedFd fd_;
  OwnedFd epoll_;  // waits on the ring and on wake_
  OwnedFd wake_;   // eventfd: close() and flush() interrupt the wait through it
  std::string name_;
  struct ring_buffer* ring_ = nullptr;
  Channel channel_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint32_t> flush_requests_{0};
  // Shared with queued deliveries: once set, records still in flight are dropped, not delivered.
  std::shared_ptr<std::atomic<bool>> closed_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace raftctl
