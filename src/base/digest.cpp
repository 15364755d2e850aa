// Digest parsing and OpenSSL EVP hashing.
#include "base/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdio>

#include "base/file.hpp"

namespace portcullis {
namespace {

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// image-spec: algorithm-component ::= [a-z0-9]+, separators [+._-].
bool is_algorithm_syntax(std::string_view s) {
  if (s.empty()) return false;
  bool previous_separator = true;
  for (char c : s) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    bool separator = c == '+' || c == '.' || c == '_' || c == '-';
    if (!alnum && !separator) return false;
    if (separator && previous_separator) return false;
    previous_separator = separator;
  }
  return !previous_separator;
}

}  // namespace

std::string_view to_string(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::kSha256 ? "sha256" : "sha512";
}

Result<Digest> Digest::parse(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return make_error(ErrorCode::kInvalidArgument, "digest \"{}\" has no algorithm prefix",
                      text.substr(0, 80));
  }
  std::string_view algorithm = text.substr(0, colon);
  std::string_view encoded = text.substr(colon + 1);
  if (!is_algorithm_syntax(algorithm)) {
    return make_error(ErrorCode::kInvalidArgument, "digest \"{}\" has a malformed algorithm",
                      text.substr(0, 80));
  }
  DigestAlgorithm parsed;
  size_t length;
  if (algorithm == "sha256") {
    parsed = DigestAlgorithm::kSha256;
    length = 64;
  } else if (algorithm == "sha512") {
    parsed = DigestAlgorithm::kSha512;
    length = 128;
  } else {
    return make_error(ErrorCode::kUnsupported, "digest algorithm \"{}\" is not supported",
                      algorithm.substr(0, 40));
  }
  if (encoded.size() != length || !is_lower_hex(encoded)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "digest \"{}\": {} needs {} lowercase hex characters", text.substr(0, 160),
                      algorithm, length);
  }
  return Digest(parsed, std::string(encoded));
}

struct Hasher::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(DigestAlgorithm algorithm)
    : algorithm_(algorithm), context_(std::make_unique<Context>()) {
  EVP_DigestInit_ex(context_->ctx,
                    algorithm == DigestAlgorithm::kSha256 ? EVP_sha256() : EVP_sha512(), nullptr);
}
Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(std::span<const std::byte> bytes) {
  EVP_DigestUpdate(context_->ctx, bytes.data(), bytes.size());
}

Digest Hasher::finish() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int size = 0;
  EVP_DigestFinal_ex(context_->ctx, md.data(), &size);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 0xf]);
  }
  return Digest(algorithm_, std::move(hex));
}

Digest digest_of(std::string_view bytes, DigestAlgorithm algorithm) {
  Hasher hasher(algorithm);
  hasher.update(bytes);
  return hasher.finish();
}

Result<Digest> digest_file(const std::filesystem::path& path, DigestAlgorithm algorithm) {
  auto fd = open_read(path);
  if (!fd) return fd.error();
  Hasher hasher(algorithm);
  std::array<std::byte, 1 << 16> buffer{};
  for (;;) {
    auto n = read_some(fd->get(), buffer);
    if (!n) return n.error().context("reading {}", path.string());
    if (*n == 0) break;
    hasher.update(std::span(buffer.data(), *n));
  }
  return hasher.finish();
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
  return std::string(reinterpret_cast<const char*>(out), size);
}

}  // namespace portcullis
