// SPDX-License-Identifier: GPL-2.0-only
#include "ring-buffer.hpp"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>

#include "errors.hpp"

namespace raftctl {

namespace {

// An idle poller wakes this often; close() and flush() do not wait for it (they use the eventfd).
constexpr int kPollTimeoutMs = 100;
constexpr uint32_t kRingReady = 0;
constexpr uint32_t kWoken = 1;

int AddToEpoll(int epoll, int fd, uint32_t tag) {
  struct epoll_event event = {};
  event.events = EPOLLIN;
  event.data.u32 = tag;
  return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

}  // namespace

Napi::Function RingBuffer::Define(Napi::Env env, RaftctlAddon& addon) {
  Napi::Function cls = DefineClass(env, "RingBuffer",
                                   {
                                       InstanceMethod<&RingBuffer::Flush>("flush"),
                                       InstanceMethod<&RingBuffer::Ref>("ref"),
                                       InstanceMethod<&RingBuffer::Unref>("unref"),
                                       InstanceMethod<&RingBuffer::Close>("close"),
                                   });
  addon.ring_buffer_class = Napi::Persistent(cls);
  return cls;
}

RingBuffer::RingBuffer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RingBuffer>(info) {
  Napi::Env env = info.Env();
  uint64_t map_fd = IntegerArg(info, 0, "map fd", INT32_MAX);
  name_ = StringArg(info, 1, "map name");
  if (!info[2].IsFunction()) throw Napi::TypeError::New(env, "deliver must be a function");

  LogCapture capture;
  struct bpf_map_info map = {};
  uint32_t length = sizeof(map);
  int ret = bpf_obj_get_info_by_fd(static_cast<int>(map_fd), &map, &length);
  if (ret < 0) Throw(env, capture, "bpf_obj_get_info_by_fd", name_, ErrnoOf(ret));
  if (map.type != BPF_MAP_TYPE_RINGBUF) Throw(env, capture, "ring_buffer__new", name_, EINVAL, "map is not a ringbuf");
  // Our own fd: the ring buffer keeps using it for its mappings until freed.
  fd_ = Duplicate(static_cast<int>(map_fd));
  if (!fd_.valid()) Throw(env, capture, "dup", name_, LastErrno());
  ring_ = ring_buffer__new(fd_.get(), &RingBuffer::OnSample, this, nullptr);
  if (ring_ == nullptr) {
    int err = LastErrno();
    Throw(env, capture, "ring_buffer__new", name_, err);
  }
  epoll_ = OwnedFd(epoll_create1(EPOLL_CLOEXEC));
  wake_ = OwnedFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!epoll_.valid() || !wake_.valid() || AddToEpoll(epoll_.get(), ring_buffer__epoll_fd(ring_), kRingReady) != 0 ||
      AddToEpoll(epoll_.get(), wake_.get(), kWoken) != 0) {
    int err = LastErrno();
    ring_buffer__free(ring_);
    ring_ = nullptr;
    Throw(env, capture, "epoll_ctl", name_, err);
  }

  // Unlimited queue: the poll thread never blocks on JS, so close() can always join it.
  channel_ = Channel::New(env, info[2].As<Napi::Function>(), "raftctl:ringBuffer", 0, 1);
  channel_.Unref(env);
  thread_ = std::thread(&RingBuffer::Poll, this);
  Track(env);
}

RingBuffer::~RingBuffer() { Release(); }

void RingBuffer::Release() {
  closed_->store(true);
  stop_.store(true);
  if (thread_.joinable()) {
    Wake();
    thread_.join();
    channel_.Release();
  }
  if (ring_ != nullptr) ring_buffer__free(ring_);
  ring_ = nullptr;
  epoll_.Reset();
  wake_.Reset();
  fd_.Reset();
  Untrack();
}

void RingBuffer::Flush(const Napi::CallbackInfo& info) {
  if (!thread_.joinable() || stop_.load()) return;
  flush_requests_.fetch_add(1);
  Wake();
}

void RingBuffer::Ref(const Napi::CallbackInfo& info) {
  if (thread_.joinable()) channel_.Ref(info.Env());
}

void RingBuffer::Unref(const Napi::CallbackInfo& info) {
  if (thread_.joinable()) channel_.Unref(info.Env());
}

void RingBuffer::Wake() {
  uint64_t one = 1;
  // Cannot fail short of a counter overflow; a lost wake-up only costs one poll timeout.
  (void)!write(wake_.get(), &one, sizeof(one));
}

void RingBuffer::Deliver(Delivery* delivery) {
  if (channel_.BlockingCall(delivery) != napi_ok) delete delivery;
}

void RingBuffer::Poll() {
  struct epoll_event events[2];
  // Named so that tools (and tests) can tell the poll thread from libuv's and V8's.
  pthread_setname_np(pthread_self(), "raftctl-ringbuf");
  while (!stop_.load()) {
    int ready = epoll_wait(epoll_.get(), events, 2, kPollTimeoutMs);
    if (ready < 0 && errno != EINTR) return Deliver(new Delivery{{}, errno, 0, name_, closed_});
    if (stop_.load()) return;
    for (int i = 0; i < ready; i++) {
      uint64_t count;
      if (events[i].data.u32 == kWoken) (void)!read(wake_.get(), &count, sizeof(count));
    }
    // Take the flush requests before consuming: every record submitted before a request is then
    // in the ring and is delivered ahead of the marker that answers it.
    uint32_t flushes = flush_requests_.exchange(0);
    int consumed = ring_buffer__consume(ring_);
    if (consumed == -ECANCELED) return;  // OnSample saw the channel closing
    if (consumed < 0) return Deliver(new Delivery{{}, -consumed, 0, name_, closed_});
    if (flushes > 0) Deliver(new Delivery{{}, 0, flushes, name_, closed_});
  }
}

int RingBuffer::OnSample(void* context, void* data, size_t size) {
  auto* self = static_cast<RingBuffer*>(context);
  const auto* bytes = static_cast<const uint8_t*>(data);
  auto* delivery = new Delivery{std::vector<uint8_t>(bytes, bytes + size), 0, 0, "", self->closed_};
  if (self->channel_.BlockingCall(delivery) != napi_ok) {
    delete delivery;
    return -ECANCELED;  // stops ring_buffer__consume; the environment is shutting down
  }
  return 0;
}

void RingBuffer::CallJs(Napi::Env env, Napi::Function deliver, std::nullptr_t*, Delivery* delivery) {
  std::unique_ptr<Delivery> owned(delivery);
  // env is null when the function is being torn down with deliveries still queued.
  if (env == nullptr || owned->closed->load()) return;
  if (owned->err != 0) {
    Napi::Error error = ToError(env, Failure{"ring_buffer__consume", owned->target, owned->err, "", {}});
    deliver.Call({env.Null(), error.Value()});
  } else if (owned->flushed != 0) {
    deliver.Call({env.Null(), env.Null(), Napi::Number::New(env, owned->flushed)});
  } else {
    deliver.Call({Napi::Buffer<uint8_t>::Copy(env, owned->bytes.data(), owned->bytes.size())});
  }
}

}  // namespace raftctl
