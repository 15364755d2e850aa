// GET/HEAD/DELETE /v2/<name>/blobs/<digest>: content served from the blob store (sendfile on
// plain TCP), single byte ranges (RFC 9110 "Range"), deletion of the repository's link.
#include <charconv>

#include "registry/errors.hpp"
#include "registry/registry.hpp"

namespace portcullis::registry {
namespace {

class BlobBody final : public http::BodySource {
 public:
  explicit BlobBody(std::unique_ptr<store::BlobReader> reader) : reader_(std::move(reader)) {}
  int native_fd() const override { return reader_->native_fd(); }
  Result<size_t> read_at(int64_t offset, std::span<std::byte> buffer) override {
    return reader_->read_at(offset, buffer);
  }

 private:
  std::unique_ptr<store::BlobReader> reader_;
};

struct ByteRange {
  int64_t first;
  int64_t last;
};

std::optional<int64_t> parse_number(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// "bytes=a-b", "bytes=a-" or "bytes=-n"; nullopt when unsatisfiable or malformed.
std::optional<ByteRange> parse_range(std::string_view header, int64_t size) {
  if (!header.starts_with("bytes=")) return std::nullopt;
  std::string_view spec = header.substr(6);
  if (spec.find(',') != std::string_view::npos) return std::nullopt;  // one range only
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto first_text = spec.substr(0, dash);
  auto last_text = spec.substr(dash + 1);
  if (first_text.empty()) {
    auto suffix = parse_number(last_text);
    if (!suffix || *suffix == 0 || size == 0) return std::nullopt;
    return ByteRange{std::max<int64_t>(0, size - *suffix), size - 1};
  }
  auto first = parse_number(first_text);
  if (!first || *first >= size) return std::nullopt;
  int64_t last = size - 1;
  if (!last_text.empty()) {
    auto parsed = parse_number(last_text);
    if (!parsed || *parsed < *first) return std::nullopt;
    last = std::min(*parsed, size - 1);
  }
  return ByteRange{*first, last};
}

}  // namespace

http::Response Registry::get_blob(Call& call, bool head) {
  auto digest = Digest::parse(call.route.reference);
  if (!digest) return error_response(RegistryError::kDigestInvalid, digest.error().message());
  auto linked = metadata_.linked_blob(call.route.name, *digest);
  if (!linked) return internal_error(call, linked.error());
  if (!*linked) {
    return error_response(
        RegistryError::kBlobUnknown,
        fmt::format("blob {} is not in repository {}", digest->str(), call.route.name));
  }
  auto reader = blobs_.open(*digest);
  if (!reader) {
    if (reader.error().code() == ErrorCode::kNotFound) {
      return error_response(RegistryError::kBlobUnknown,
                            fmt::format("blob {} content is missing", digest->str()));
    }
    return internal_error(call, reader.error());
  }
  int64_t size = (*reader)->size();
  http::Response res;
  res.set("Content-Type", "application/octet-stream");
  res.set("Docker-Content-Digest", digest->str());
  res.set("ETag", "\"" + digest->str() + "\"");
  res.set("Accept-Ranges", "bytes");
  res.set("Cache-Control", "max-age=31536000");
  std::string_view range_header = call.request.header(http::beast_http::field::range);
  int64_t first = 0;
  int64_t length = size;
  if (!range_header.empty()) {
    auto range = parse_range(range_header, size);
    if (!range) {
      auto bad = error_response(RegistryError::kRangeInvalid,
                                fmt::format("range \"{}\" cannot be satisfied for {} bytes",
                                            range_header.substr(0, 100), size));
      bad.set("Content-Range", fmt::format("bytes */{}", size));
      return bad;
    }
    first = range->first;
    length = range->last - range->first + 1;
    res.status = 206;
    res.set("Content-Range", fmt::format("bytes {}-{}/{}", range->first, range->last, size));
  }
  if (head) {
    res.head_length = static_cast<uint64_t>(length);
    return res;
  }
  res.source = std::make_unique<BlobBody>(std::move(*reader));
  res.source_offset = first;
  res.source_length = length;
  return res;
}

http::Response Registry::delete_blob(Call& call) {
  if (!options_.delete_enabled) {
    return error_response(RegistryError::kUnsupported, "deletion is disabled on this registry");
  }
  auto digest = Digest::parse(call.route.reference);
  if (!digest) return error_response(RegistryError::kDigestInvalid, digest.error().message());
  auto removed = metadata_.unlink_blob(call.route.name, *digest);
  if (!removed) return internal_error(call, removed.error());
  if (!*removed) {
    return error_response(
        RegistryError::kBlobUnknown,
        fmt::format("blob {} is not in repository {}", digest->str(), call.route.name));
  }
  // The content goes when garbage collection finds no repository or manifest using it.
  http::Response res;
  res.status = 202;
  return res;
}

}  // namespace portcullis::registry
