// Fuzzes a whole layer: compression detection, gzip/zstd, tar walking, every analyzer (jars,
// Go binaries, JSON manifests) on whatever the tar holds.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "analyze/scan.hpp"

namespace {

class BytesStream final : public portcullis::image::ByteStream {
 public:
  BytesStream(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  portcullis::Result<size_t> read(std::span<std::byte> buffer) override {
    size_t n = std::min(buffer.size(), size_ - offset_);
    std::memcpy(buffer.data(), data_ + offset_, n);
    offset_ += n;
    return n;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t offset_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  BytesStream stream(data, size);
  (void)portcullis::analyze::analyze_layer(stream, std::nullopt, 64 << 20);
  return 0;
}
