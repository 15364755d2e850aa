// FdStream and DigestingStream.
#include "image/byte_stream.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

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
