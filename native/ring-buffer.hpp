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
 * An exception thrown by deliver is reported as an uncaught exception. ref()/unref() let a caller
 * keep the process alive while it awaits a flush.
 *
 * Teardown order matters: Node closes and frees thread-safe functions from its own environment
 * cleanup hooks, and a poll thread still calling into a freed one aborts the process. So each ring
 * buffer registers a cleanup hook right after creating its function (hooks run last-registered
 * first) that joins the thread and releases the function before Node gets to it; the function's
 * finalizer joins the thread too, in case Node ever finalizes it first. Release() is idempotent and
 * may run from close(), that hook, the addon's teardown or the destructor, in any order.
 */
class RingBuffer : public Napi::ObjectWrap<RingBuffer>, public Resource {
 public:
  static Napi::Function Define(Napi::Env env, RaftctlAddon& addon);

  explicit RingBuffer(const Napi::CallbackInfo& info);
  ~RingBuffer() override;
  /** Stops and joins the poll thread, releases the thread-safe function, frees the ring; idempotent. */
  void Release() override;

  /** A record, a poll failure or a flush marker on its way to the JS thread. */
  struct Delivery {
    std::vector<uint8_t> bytes;
    int err = 0;              // a poll failure when set
    uint32_t flushed = 0;     // flush() requests answered by this marker
    std::string target;       // the map name, for a failure's message
    std::shared_ptr<std::atomic<bool>> closed;
  };

  /** What the ring buffer and its thread-safe function's finalizer share (JS thread only). */
  struct Link {
    RingBuffer* owner = nullptr;  // cleared by the destructor
    bool finalized = false;       // Node has finalized the function and is about to free it
  };

 private:
  void Close(const Napi::CallbackInfo& info) { Release(); }
  void Flush(const Napi::CallbackInfo& info);
  void Ref(const Napi::CallbackInfo& info);
  void Unref(const Napi::CallbackInfo& info);
  /** Stops and joins the poll thread; idempotent. After it, nothing calls the thread-safe function. */
  void StopPolling();
  /** Releases the thread-safe function unless already released or finalized by Node; idempotent. */
  void ReleaseChannel();
  bool ChannelUsable() const { return channel_live_ && !link_->finalized; }
  void Poll();
  void Wake();
  /** Queues a delivery; false (the delivery dropped) once the function is closing. Poll thread. */
  bool Deliver(Delivery* delivery);
  static int OnSample(void* context, void* data, size_t size);
  static void CallJs(Napi::Env env, Napi::Function deliver, std::nullptr_t*, Delivery* delivery);
  static void OnChannelFinalized(Napi::Env env, std::shared_ptr<Link>* link, std::nullptr_t* context);
  static void OnEnvCleanup(void* self);

  using Channel = Napi::TypedThreadSafeFunction<std::nullptr_t, Delivery, &RingBuffer::CallJs>;

  OwnedFd fd_;
  OwnedFd epoll_;  // waits on the ring's map and on wake_
  OwnedFd wake_;   // eventfd: close() and flush() interrupt the wait through it
  std::string name_;
  struct ring_buffer* ring_ = nullptr;
  napi_env env_ = nullptr;
  Channel channel_;
  bool channel_live_ = false;  // created and not yet released by us
  bool hooked_ = false;        // our environment cleanup hook is registered
  std::shared_ptr<Link> link_ = std::make_shared<Link>();
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint32_t> flush_requests_{0};
  // Shared with queued deliveries: once set, records still in flight are dropped, not delivered.
  std::shared_ptr<std::atomic<bool>> closed_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace raftctl
