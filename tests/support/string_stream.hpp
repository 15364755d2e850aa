// A ByteStream over a string, for feeding in-memory layers to the readers.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>

#include "image/byte_stream.hpp"

namespace portcullis::testing {

class StringStream final : public image::ByteStream {
 public:
  explicit StringStream(std::string data) : data_(std::move(data)) {}
  Result<size_t> read(std::span<std::byte> buffer) override {
    size_t n = std::min(buffer.size(), data_.size() - offset_);
    std::memcpy(buffer.data(), data_.data() + offset_, n);
    offset_ += n;
    return n;
  }

 private:
  std::string data_;
  size_t offset_ = 0;
};

}  // namespace portcullis::testing
