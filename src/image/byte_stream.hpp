// ByteStream: a pull-based stream of bytes, and the streams layered on each other to read a
// layer once: file -> digest check -> decompression -> diff_id check -> tar walker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/digest.hpp"
#include "base/file.hpp"
#include "base/result.hpp"

namespace portcullis::image {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Reads up to buffer.size() bytes; 0 means the end.
  virtual Result<size_t> read(std::span<std::byte> buffer) = 0;
};

// Reads a file descriptor from its current position, at most `limit` bytes (-1: to the end).
class FdStream final : public ByteStream {
 public:
  FdStream(UniqueFd fd, int64_t limit = -1) : fd_(std::move(fd)), remaining_(limit) {}
  Result<size_t> read(std::span<std::byte> buffer) override;

 private:
  UniqueFd fd_;
  int64_t remaining_;
};

// Hashes on its own thread: update() copies the bytes into one of a few pooled buffers and
// returns, so hashing overlaps with decompression (a layer's two digests cost about half a
// gzip inflate when done inline). Memory stays bounded by the pool.
class BackgroundHasher {
 public:
  explicit BackgroundHasher(DigestAlgorithm algorithm);
  ~BackgroundHasher();
  BackgroundHasher(const BackgroundHasher&) = delete;
  BackgroundHasher& operator=(const BackgroundHasher&) = delete;

  void update(std::span<const std::byte> bytes);
  Digest finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Passes bytes through while hashing them; verify() compares with the expected digest once the
// stream is exhausted.
class DigestingStream final : public ByteStream {
 public:
  DigestingStream(ByteStream& inner, DigestAlgorithm algorithm)
      : inner_(inner), hasher_(algorithm) {}
  Result<size_t> read(std::span<std::byte> buffer) override;
  // Reads what is left, then returns the digest of everything that passed.
  Result<Digest> finish();
  uint64_t bytes() const { return bytes_; }

 private:
  ByteStream& inner_;
  BackgroundHasher hasher_;
  uint64_t bytes_ = 0;
};

enum class Compression { kNone, kGzip, kZstd };

// Detects the compression from the first bytes (gzip 1f 8b, zstd 28 b5 2f fd) and decompresses.
// Output is limited to `max_output` bytes (a decompression bomb is an error, not a full disk).
Result<std::unique_ptr<ByteStream>> open_decompressed(ByteStream& compressed, Compression* detected,
                                                      uint64_t max_output);

}  // namespace portcullis::image
