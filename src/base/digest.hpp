// Content digests ("sha256:<hex>", "sha512:<hex>") and a streaming hasher over OpenSSL EVP.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace portcullis {

enum class DigestAlgorithm { kSha256, kSha512 };

std::string_view to_string(DigestAlgorithm algorithm);

// A validated digest. Only the algorithms the OCI image spec registers are accepted.
class Digest {
 public:
  // image-spec descriptor.md: algorithm ":" encoded; sha256 is 64 and sha512 is 128 lowercase hex.
  static Result<Digest> parse(std::string_view text);

  DigestAlgorithm algorithm() const { return algorithm_; }
  const std::string& hex() const { return hex_; }
  std::string str() const { return std::string(to_string(algorithm_)) + ":" + hex_; }

  bool operator==(const Digest&) const = default;
  auto operator<=>(const Digest&) const = default;

 private:
  Digest(DigestAlgorithm algorithm, std::string hex)
      : algorithm_(algorithm), hex_(std::move(hex)) {}
  friend class Hasher;

  DigestAlgorithm algorithm_;
  std::string hex_;
};

// Incremental hashing: feed bytes as they stream past, then finish().
class Hasher {
 public:
  explicit Hasher(DigestAlgorithm algorithm = DigestAlgorithm::kSha256);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  void update(std::span<const std::byte> bytes);
  void update(std::string_view bytes) {
    update(std::as_bytes(std::span(bytes.data(), bytes.size())));
  }
  Digest finish();
  DigestAlgorithm algorithm() const { return algorithm_; }

 private:
  struct Context;
  DigestAlgorithm algorithm_;
  std::unique_ptr<Context> context_;
};

Digest digest_of(std::string_view bytes, DigestAlgorithm algorithm = DigestAlgorithm::kSha256);

// HMAC-SHA256 of `data` under `key`: the raw 32 bytes (bearer tokens, webhook signatures).
std::string hmac_sha256(std::string_view key, std::string_view data);

// Hashes a file by streaming it through a fixed buffer.
Result<Digest> digest_file(const std::filesystem::path& path, DigestAlgorithm algorithm);

}  // namespace portcullis
