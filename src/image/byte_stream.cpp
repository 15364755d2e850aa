// FdStream and DigestingStream.
#include "image/byte_stream.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace portcullis::image {

Result<size_t> FdStream::read(std::span<std::byte> buffer) {
  if (remaining_ == 0) return size_t{0};
  size_t want = buffer.size();
  if (remaining_ > 0) want = std::min<size_t>(want, static_cast<size_t>(remaining_));
  for (;;) {
    ssize_t n = ::read(fd_.get(), buffer.data(), want);
    if (n >= 0) {
      if (remaining_ > 0) remaining_ -= n;
      return static_cast<size_t>(n);
    }
    if (errno != EINTR) return make_error(ErrorCode::kIo, "read: {}", std::strerror(errno));
  }
}

struct BackgroundHasher::State {
  static constexpr size_t kPoolSize = 8;
  explicit State(DigestAlgorithm algorithm) : hasher(algorithm) {}

  Hasher hasher;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::vector<std::byte>> queue;  // filled, waiting to be hashed
  std::vector<std::vector<std::byte>> free;  // hashed, ready for reuse
  size_t in_flight = 0;
  bool closing = false;
  std::optional<Digest> result;
  std::thread worker;

  void run() {
    for (;;) {
      std::vector<std::byte> chunk;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return !queue.empty() || closing; });
        if (queue.empty()) break;
        chunk = std::move(queue.front());
        queue.pop_front();
      }
      hasher.update(chunk);
      std::lock_guard lock(mutex);
      free.push_back(std::move(chunk));
      --in_flight;
      changed.notify_all();
    }
    result = hasher.finish();
  }
};

BackgroundHasher::BackgroundHasher(DigestAlgorithm algorithm)
    : state_(std::make_unique<State>(algorithm)) {
  state_->worker = std::thread([s = state_.get()] { s->run(); });
}

BackgroundHasher::~BackgroundHasher() {
  if (state_->worker.joinable()) (void)finish();
}

void BackgroundHasher::update(std::span<const std::byte> bytes) {
  if (bytes.empty()) return;
  std::vector<std::byte> chunk;
  {
    std::unique_lock lock(state_->mutex);
    state_->changed.wait(lock, [&] { return state_->in_flight < State::kPoolSize; });
    ++state_->in_flight;
    if (!state_->free.empty()) {
      chunk = std::move(state_->free.back());
      state_->free.pop_back();
    }
  }
  chunk.assign(bytes.begin(), bytes.end());
  std::lock_guard lock(state_->mutex);
  state_->queue.push_back(std::move(chunk));
  state_->changed.notify_all();
}

Digest BackgroundHasher::finish() {
  {
    std::lock_guard lock(state_->mutex);
    state_->closing = true;
    state_->changed.notify_all();
  }
  if (state_->worker.joinable()) state_->worker.join();
  return *state_->result;
}

Result<size_t> DigestingStream::read(std::span<std::byte> buffer) {
  auto n = inner_.read(buffer);
  if (n && *n > 0) {
    hasher_.update(buffer.first(*n));
    bytes_ += *n;
  }
  return n;
}

Result<Digest> DigestingStream::finish() {
  std::byte scratch[1 << 16];
  for (;;) {
    auto n = read(scratch);
    if (!n) return n.error();
    if (*n == 0) break;
  }
  return hasher_.finish();
}

}  // namespace portcullis::image
