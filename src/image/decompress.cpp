// Streaming decompression: gzip with ISA-L (multi-member), zstd with libzstd, or pass-through.
#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <cstring>
#include <vector>

#include "image/byte_stream.hpp"

namespace portcullis::image {
namespace {

constexpr size_t kInputChunk = 1 << 17;

// Hands back bytes already read for detection before reading on.
class PrefixedStream {
 public:
  PrefixedStream(ByteStream& inner, std::vector<std::byte> prefix)
      : inner_(inner), prefix_(std::move(prefix)) {}
  Result<size_t> read(std::span<std::byte> buffer) {
    if (offset_ < prefix_.size()) {
      size_t n = std::min(buffer.size(), prefix_.size() - offset_);
      std::memcpy(buffer.data(), prefix_.data() + offset_, n);
      offset_ += n;
      return n;
    }
    return inner_.read(buffer);
  }

 private:
  ByteStream& inner_;
  std::vector<std::byte> prefix_;
  size_t offset_ = 0;
};

class Limited {
 public:
  explicit Limited(uint64_t max) : max_(max) {}
  Status add(size_t n) {
    total_ += n;
    if (total_ > max_) {
      return make_error(ErrorCode::kInvalidArgument,
                        "decompressed data exceeds {} bytes (decompression bomb?)", max_);
    }
    return Ok{};
  }

 private:
  uint64_t max_;
  uint64_t total_ = 0;
};

class PlainStream final : public ByteStream {
 public:
  PlainStream(PrefixedStream in, uint64_t max) : in_(std::move(in)), limit_(max) {}
  Result<size_t> read(std::span<std::byte> buffer) override {
    auto n = in_.read(buffer);
    if (n && *n > 0) PORTCULLIS_TRY(limit_.add(*n));
    return n;
  }

 private:
  PrefixedStream in_;
  Limited limit_;
};

class GzipStream final : public ByteStream {
 public:
  GzipStream(PrefixedStream in, uint64_t max)
      : in_(std::move(in)), limit_(max), input_(kInputChunk) {
    isal_inflate_init(&state_);
    state_.crc_flag = ISAL_GZIP;
  }

  Result<size_t> read(std::span<std::byte> buffer) override {
    for (;;) {
      if (state_.avail_in == 0 && !eof_) {
        auto n = in_.read(input_);
        if (!n) return n.error();
        if (*n == 0) {
          eof_ = true;
        } else {
          state_.next_in = reinterpret_cast<uint8_t*>(input_.data());
          state_.avail_in = static_cast<uint32_t>(*n);
        }
      }
      if (finished_member_) {
        // Another gzip member follows (pigz, concatenated streams), or only the end remains.
        if (state_.avail_in == 0 && eof_) return size_t{0};
        if (state_.avail_in == 0) continue;
        uint8_t* next = state_.next_in;
        uint32_t avail = state_.avail_in;
        isal_inflate_reset(&state_);
        state_.crc_flag = ISAL_GZIP;
        state_.next_in = next;
        state_.avail_in = avail;
        finished_member_ = false;
      }
      state_.next_out = reinterpret_cast<uint8_t*>(buffer.data());
      state_.avail_out = static_cast<uint32_t>(std::min<size_t>(buffer.size(), UINT32_MAX));
      int rc = isal_inflate(&state_);
      if (rc != ISAL_DECOMP_OK) {
        return make_error(ErrorCode::kCorrupt, "gzip stream is corrupt (isa-l error {})", rc);
      }
      size_t produced = buffer.size() - state_.avail_out;
      if (state_.block_state == ISAL_BLOCK_FINISH) finished_member_ = true;
      if (produced > 0) {
        PORTCULLIS_TRY(limit_.add(produced));
        return produced;
      }
      if (eof_ && state_.avail_in == 0 && !finished_member_) {
        return make_error(ErrorCode::kCorrupt, "gzip stream is truncated");
      }
    }
  }

 private:
  PrefixedStream in_;
  Limited limit_;
  std::vector<std::byte> input_;
  inflate_state state_{};
  bool eof_ = false;
  bool finished_member_ = false;
};

class ZstdStream final : public ByteStream {
 public:
  ZstdStream(PrefixedStream in, uint64_t max)
      : in_(std::move(in)), limit_(max), input_(ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {}
  ~ZstdStream() override { ZSTD_freeDCtx(dctx_); }
  ZstdStream(const ZstdStream&) = delete;
  ZstdStream& operator=(const ZstdStream&) = delete;

  Result<size_t> read(std::span<std::byte> buffer) override {
    for (;;) {
      if (in_buf_.pos == in_buf_.size && !eof_) {
        auto n = in_.read(input_);
        if (!n) return n.error();
        if (*n == 0) {
          eof_ = true;
        } else {
          in_buf_ = ZSTD_inBuffer{input_.data(), *n, 0};
        }
      }
      ZSTD_outBuffer out{buffer.data(), buffer.size(), 0};
      size_t consumed_before = in_buf_.pos;
      size_t rc = ZSTD_decompressStream(dctx_, &out, &in_buf_);
      if (ZSTD_isError(rc)) {
        return make_error(ErrorCode::kCorrupt, "zstd stream is corrupt: {}", ZSTD_getErrorName(rc));
      }
      // A call that made no progress says nothing about whether the last frame was complete.
      if (out.pos > 0 || in_buf_.pos > consumed_before) frame_done_ = rc == 0;
      if (out.pos > 0) {
        PORTCULLIS_TRY(limit_.add(out.pos));
        return out.pos;
      }
      if (eof_ && in_buf_.pos == in_buf_.size) {
        if (!frame_done_) return make_error(ErrorCode::kCorrupt, "zstd stream is truncated");
        return size_t{0};
      }
    }
  }

 private:
  PrefixedStream in_;
  Limited limit_;
  std::vector<std::byte> input_;
  ZSTD_DCtx* dctx_;
  ZSTD_inBuffer in_buf_{nullptr, 0, 0};
  bool eof_ = false;
  bool frame_done_ = true;
};

}  // namespace

Result<std::unique_ptr<ByteStream>> open_decompressed(ByteStream& compressed, Compression* detected,
                                                      uint64_t max_output) {
  std::vector<std::byte> prefix(4);
  size_t have = 0;
  while (have < prefix.size()) {
    auto n = compressed.read(std::span(prefix).subspan(have));
    if (!n) return n.error();
    if (*n == 0) break;
    have += *n;
  }
  prefix.resize(have);
  auto b = [&](size_t i) { return static_cast<unsigned char>(prefix[i]); };
  Compression kind = Compression::kNone;
  if (have >= 2 && b(0) == 0x1f && b(1) == 0x8b) kind = Compression::kGzip;
  if (have >= 4 && b(0) == 0x28 && b(1) == 0xb5 && b(2) == 0x2f && b(3) == 0xfd)
    kind = Compression::kZstd;
  if (detected != nullptr) *detected = kind;
  PrefixedStream in(compressed, std::move(prefix));
  switch (kind) {
    case Compression::kGzip:
      return std::unique_ptr<ByteStream>(new GzipStream(std::move(in), max_output));
    case Compression::kZstd:
      return std::unique_ptr<ByteStream>(new ZstdStream(std::move(in), max_output));
    case Compression::kNone:
      break;
  }
  return std::unique_ptr<ByteStream>(new PlainStream(std::move(in), max_output));
}

}  // namespace portcullis::image
