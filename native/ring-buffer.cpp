// SPDX-License-Identifier: GPL-2.0-only
#include "ring-buffer.hpp"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "errors.hpp"

namespace raftctl {

namespace {

// An idle poller wakes this often; close() and flush() do not wait for it (they use the eventfd).
constexpr int kPollTimeoutMs = 100;
constexpr uint32_t kRingReady = 0;
constexpr uint32_t kWoken = 1;
// File descriptors one ring buffer holds: its map fd, libbpf's epoll, ours and the wake-up eventfd.
constexpr int kFdsPerRing = 4;

int AddToEpoll(int epoll, int fd, uint32_t tag) {
  struct epoll_event event = {};
  event.events = EPOLLIN;
  event.data.u32 = tag;
  return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
}

/** A message naming the limit behind `err`, when it is one a ring buffer runs into ("" otherwise). */
std::string LimitDetail(int err) {
  if (err == EMFILE) {
    struct rlimit limit = {};
    getrlimit(RLIMIT_NOFILE, &limit);
    return "too many open files: each ring buffer holds " + std::to_string(kFdsPerRing) +
           " file descriptors and this process may open " + std::to_string(limit.rlim_cur) + " (RLIMIT_NOFILE)";
  }
  if (err == EINVAL) {
    // reverse_path_check() in fs/eventpoll.c: a file may be reached through at most 500 epolls
    // that are themselves watched by an epoll (ours never are; another program's may be).
    return "the kernel refused another epoll watch on this map: at most 500 nested epoll instances may "
           "watch one file (fs/eventpoll.c path limit)";
  }
  return "";
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
  if (!fd_.valid()) {
    int err = LastErrno();
    Throw(env, capture, "dup", name_, err, LimitDetail(err));
  }
  ring_ = ring_buffer__new(fd_.get(), &RingBuffer::OnSample, this, nullptr);
  if (ring_ == nullptr) {
    int err = LastErrno();
    std::vector<std::string> log = capture.Take();
    // libbpf's own epoll_ctl is the EINVAL that means the epoll limit; it logs the failure.
    bool epoll = std::any_of(log.begin(), log.end(), [](const std::string& line) { return line.find("epoll") != std::string::npos; });
    Throw(env, Failure{"ring_buffer__new", name_, err, err != EINVAL || epoll ? LimitDetail(err) : "", std::move(log)});
  }
  // The poll thread waits on the map itself, not on libbpf's epoll fd: an epoll watched by another
  // epoll counts against the kernel's limit of 500 such paths to one file, which capped a map at
  // 500 ring buffers; direct watches are not limited.
  epoll_ = OwnedFd(epoll_create1(EPOLL_CLOEXEC));
  wake_ = OwnedFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!epoll_.valid() || !wake_.valid() || AddToEpoll(epoll_.get(), fd_.get(), kRingReady) != 0 ||
      AddToEpoll(epoll_.get(), wake_.get(), kWoken) != 0) {
    int err = LastErrno();
    ring_buffer__free(ring_);
    ring_ = nullptr;
    const char* op = !epoll_.valid() ? "epoll_create1" : !wake_.valid() ? "eventfd" : "epoll_ctl";
    Throw(env, capture, op, name_, err, LimitDetail(err));
  }

  // Unlimited queue: the poll thread never blocks on JS, so close() can always join it.
  channel_ = Channel::New(env, info[2].As<Napi::Function>(), "raftctl:ringBuffer", 0, 1, nullptr,
                          &RingBuffer::OnChannelFinalized, new std::shared_ptr<Link>(link_));
  channel_live_ = true;
  link_->owner = this;
  channel_.Unref(env);
  // Registered after the function, so it runs before the hook Node registered for the function.
  env_ = env;
  napi_status status = napi_add_env_cleanup_hook(env, &RingBuffer::OnEnvCleanup, this);
  hooked_ = status == napi_ok;
  try {
    if (!hooked_) throw Napi::Error::New(env);
    thread_ = std::thread(&RingBuffer::Poll, this);
    // Named before the constructor returns, so tools (and tests) can tell it from libuv's and V8's.
    pthread_setname_np(thread_.native_handle(), "raftctl-ringbuf");
  } catch (const std::system_error& error) {
    // A throwing constructor gets no destructor call: release here, and detach the finalizer.
    Release();
    link_->owner = nullptr;
    Throw(env, capture, "pthread_create", name_, error.code().value());
  } catch (const Napi::Error&) {
    Release();
    link_->owner = nullptr;
    throw;
  }
  Track(env);
}

RingBuffer::~RingBuffer() {
  Release();
  link_->owner = nullptr;
}

void RingBuffer::Release() {
  StopPolling();
  ReleaseChannel();
  if (hooked_) {
    hooked_ = false;
    napi_remove_env_cleanup_hook(env_, &RingBuffer::OnEnvCleanup, this);
  }
  if (ring_ != nullptr) ring_buffer__free(ring_);
  ring_ = nullptr;
  epoll_.Reset();
  wake_.Reset();
  fd_.Reset();
  Untrack();
}

void RingBuffer::StopPolling() {
  closed_->store(true);
  stop_.store(true);
  if (thread_.joinable()) {
    Wake();
    thread_.join();
  }
}

void RingBuffer::ReleaseChannel() {
  if (!channel_live_) return;
  channel_live_ = false;
  // Once finalized, Node frees the function as soon as the finalizer returns: releasing it then
  // would lock a freed mutex.
  if (!link_->finalized) channel_.Release();
}

void RingBuffer::OnEnvCleanup(void* self) {
  auto* ring = static_cast<RingBuffer*>(self);
  ring->hooked_ = false;  // Node forgets a hook once it has run
  ring->Release();
}

void RingBuffer::OnChannelFinalized(Napi::Env env, std::shared_ptr<Link>* link, std::nullptr_t* context) {
  std::unique_ptr<std::shared_ptr<Link>> owned(link);
  Link& shared = **owned;
  shared.finalized = true;
  // Normally the thread is long gone (close() or our cleanup hook); if not, it must stop before
  // Node frees the function it calls.
  if (shared.owner != nullptr) shared.owner->StopPolling();
}

void RingBuffer::Flush(const Napi::CallbackInfo& info) {
  if (!thread_.joinable() || stop_.load()) return;
  flush_requests_.fetch_add(1);
  Wake();
}

void RingBuffer::Ref(const Napi::CallbackInfo& info) {
  if (ChannelUsable()) channel_.Ref(info.Env());
}

void RingBuffer::Unref(const Napi::CallbackInfo& info) {
  if (ChannelUsable()) channel_.Unref(info.Env());
}

void RingBuffer::Wake() {
  uint64_t one = 1;
  // Cannot fail short of a counter overflow; a lost wake-up only costs one poll timeout.
  (void)!write(wake_.get(), &one, sizeof(one));
}

bool RingBuffer::Deliver(Delivery* delivery) {
  // Only napi_closing can fail a call on an unlimited queue: the environment is shutting down.
  if (channel_.BlockingCall(delivery) == napi_ok) return true;
  delete delivery;
  return false;
}

void RingBuffer::Poll() {
  struct epoll_event events[2];
  while (!stop_.load()) {
    int ready = epoll_wait(epoll_.get(), events, 2, kPollTimeoutMs);
    if (ready < 0 && errno != EINTR) {
      Deliver(new Delivery{{}, errno, 0, name_, closed_});
      return;
    }
    if (stop_.load()) return;
    for (int i = 0; i < ready; i++) {
      uint64_t count;
      if (events[i].data.u32 == kWoken) (void)!read(wake_.get(), &count, sizeof(count));
    }
    // Take the flush requests before consuming: every record submitted before a request is then
    // in the ring and is delivered ahead of the marker that answers it.
    uint32_t flushes = flush_requests_.exchange(0);
    int consumed = ring_buffer__consume(ring_);
    if (consumed == -ECANCELED) return;  // OnSample saw us stopping or the channel closing
    if (consumed < 0) {
      Deliver(new Delivery{{}, -consumed, 0, name_, closed_});
      return;
    }
    if (flushes > 0 && !Deliver(new Delivery{{}, 0, flushes, name_, closed_})) return;
  }
}

int RingBuffer::OnSample(void* context, void* data, size_t size) {
  auto* self = static_cast<RingBuffer*>(context);
  if (self->stop_.load()) return -ECANCELED;  // close() is waiting: leave the rest of the ring
  const auto* bytes = static_cast<const uint8_t*>(data);
  if (!self->Deliver(new Delivery{std::vector<uint8_t>(bytes, bytes + size), 0, 0, "", self->closed_})) {
    return -ECANCELED;  // stops ring_buffer__consume; the environment is shutting down
  }
  return 0;
}

void RingBuffer::CallJs(Napi::Env env, Napi::Function deliver, std::nullptr_t*, Delivery* delivery) {
  std::unique_ptr<Delivery> owned(delivery);
  // env is null when the function is being torn down with deliveries still queued.
  if (env == nullptr || owned->closed->load()) return;
  try {
    if (owned->err != 0) {
      Napi::Error error = ToError(env, Failure{"ring_buffer__consume", owned->target, owned->err, "", {}});
      deliver.Call({env.Null(), error.Value()});
    } else if (owned->flushed != 0) {
      deliver.Call({env.Null(), env.Null(), Napi::Number::New(env, owned->flushed)});
    } else {
      deliver.Call({Napi::Buffer<uint8_t>::Copy(env, owned->bytes.data(), owned->bytes.size())});
    }
  } catch (const Napi::Error& error) {
    // deliver threw. Left pending, Node-API would only print a DEP0168 warning (addons below
    // NAPI_VERSION 10 get exceptions from thread-safe calls swallowed); report it the way an
    // exception from any event-loop callback is: 'uncaughtException', else the process (or the
    // worker) dies. While the environment shuts down this fails, and nothing is left to tell.
    napi_fatal_exception(env, error.Value());
  }
}

}  // namespace raftctl
