// LocalRegistry's image source and artifact store.
#include "pipeline/local_registry.hpp"

#include "base/json_text.hpp"
#include "oci/manifest.hpp"
#include "oci/media_types.hpp"

namespace portcullis::pipeline {
namespace {

constexpr size_t kMaxDocumentBytes = 8 * 1024 * 1024;

class BlobStream final : public image::ByteStream {
 public:
  explicit BlobStream(std::unique_ptr<store::BlobReader> reader) : reader_(std::move(reader)) {}
  Result<size_t> read(std::span<std::byte> buffer) override {
    auto n = reader_->read_at(offset_, buffer);
    if (n) offset_ += static_cast<int64_t>(*n);
    return n;
  }

 private:
  std::unique_ptr<store::BlobReader> reader_;
  int64_t offset_ = 0;
};

class LocalImageSource final : public image::ImageSource {
 public:
  LocalImageSource(const LocalRegistry& local, std::string repository, std::string digest,
                   std::string platform)
      : local_(local),
        repository_(std::move(repository)),
        digest_(std::move(digest)),
        platform_(std::move(platform)) {}

  Result<image::Image> read(const image::LayerFilter& wanted,
                            const image::LayerVisitor& visit) override {
    std::string location = repository_ + "@" + digest_;
    image::Image image;
    image.reference = local_.host + "/" + location;
    std::string digest = digest_;
    for (int depth = 0; depth < 8; ++depth) {
      auto record = local_.metadata.get_manifest(repository_, digest);
      if (!record) return record.error();
      if (!*record) {
        return make_error(ErrorCode::kNotFound, "manifest {} is not in {}", digest, repository_);
      }
      auto m = oci::parse_manifest((*record)->media_type, (*record)->content);
      if (!m) return m.error().context("{}: manifest {}", location, digest);
      if (m->is_index()) {
        auto child = image::select_platform(*m, platform_);
        if (!child) return child.error().context("{}", location);
        digest = child->digest.str();
        continue;
      }
      auto parsed = Digest::parse(digest);
      if (!parsed) return parsed.error();
      image.manifest_digest = *parsed;
      image.manifest_media_type = m->media_type;
      image.manifest_size = static_cast<int64_t>((*record)->content.size());
      if (!m->config) return make_error(ErrorCode::kCorrupt, "{}: no config", location);
      image.config_digest = m->config->digest;
      auto config = local_.read_blob(m->config->digest, kMaxDocumentBytes);
      if (!config) return config.error().context("{}: config", location);
      image.config_json = std::move(*config);
      for (const auto& l : m->layers)
        image.layers.push_back(image::Layer{l.digest.str(), l.digest, l.media_type, l.digest});
      PORTCULLIS_TRY(image::read_config(image.config_json, image));
      for (const auto& layer : image.layers) {
        image::LayerBlob blob{layer.key, layer.digest};
        if (!wanted(blob)) continue;
        auto reader = local_.blobs.open(*layer.digest);
        if (!reader) return reader.error().context("{}: layer {}", location, layer.key);
        BlobStream stream(std::move(*reader));
        PORTCULLIS_TRY(visit(blob, stream));
      }
      return image;
    }
    return make_error(ErrorCode::kCorrupt, "{}: indexes nest deeper than 8 levels", location);
  }

 private:
  const LocalRegistry& local_;
  std::string repository_;
  std::string digest_;
  std::string platform_;
};

class LocalArtifactStore final : public sign::ArtifactStore {
 public:
  LocalArtifactStore(const LocalRegistry& local, std::string repository, std::string user)
      : local_(local),
        repository_(std::move(repository)),
        user_(std::move(user)),
        location_(local.host + "/" + repository_) {}

  Status put_blob(const std::string& content) override {
    auto stored = local_.registry.put_blob(repository_, content);
    if (!stored) return stored.error();
    return Ok{};
  }

  Result<bool> put_manifest(const std::string& manifest, std::string_view tag) override {
    auto doc = nlohmann::json::parse(manifest, nullptr, false);
    std::string media_type =
        doc.is_object() ? doc.value("mediaType", std::string(oci::kOciManifest)) : "";
    std::optional<std::string_view> t;
    if (!tag.empty()) t = tag;
    auto stored = local_.registry.store_manifest(repository_, t, media_type, manifest, std::nullopt,
                                                 user_, "");
    if (stored.internal) return *stored.internal;
    if (stored.error) {
      return make_error(ErrorCode::kPermissionDenied, "{}: {}", location_, stored.message);
    }
    return true;
  }

  Result<std::optional<std::string>> get_manifest(std::string_view reference) override {
    std::string digest(reference);
    if (reference.find(':') == std::string_view::npos) {
      auto resolved = local_.metadata.resolve_tag(repository_, reference);
      if (!resolved) return resolved.error();
      if (!*resolved) return std::optional<std::string>();
      digest = **resolved;
    }
    auto record = local_.metadata.get_manifest(repository_, digest);
    if (!record) return record.error();
    if (!*record) return std::optional<std::string>();
    return std::optional<std::string>(std::move((*record)->content));
  }

  Result<std::string> get_blob(const Digest& digest) override {
    auto linked = local_.metadata.linked_blob(repository_, digest);
    if (!linked) return linked.error();
    if (!*linked) {
      return make_error(ErrorCode::kNotFound, "{}: blob {} is not in the repository", location_,
                        digest.str());
    }
    return local_.read_blob(digest, kMaxDocumentBytes);
  }

  Result<std::optional<std::vector<nlohmann::json>>> referrers(std::string_view digest) override {
    auto found = local_.metadata.referrers(repository_, digest);
    if (!found) return found.error();
    std::vector<nlohmann::json> out;
    for (const auto& r : *found) {
      nlohmann::json d = {{"mediaType", r.media_type}, {"digest", r.digest}, {"size", r.size}};
      if (!r.artifact_type.empty()) d["artifactType"] = r.artifact_type;
      if (!r.annotations_json.empty()) {
        auto a = nlohmann::json::parse(r.annotations_json, nullptr, false);
        if (!a.is_discarded()) d["annotations"] = a;
      }
      out.push_back(std::move(d));
    }
    return std::optional<std::vector<nlohmann::json>>(std::move(out));
  }

  const std::string& location() const override { return location_; }

 private:
  const LocalRegistry& local_;
  std::string repository_;
  std::string user_;
  std::string location_;
};

}  // namespace

Result<std::string> LocalRegistry::read_blob(const Digest& digest, size_t limit) const {
  auto reader = blobs.open(digest);
  if (!reader) return reader.error();
  auto size = (*reader)->size();
  if (size < 0 || static_cast<uint64_t>(size) > limit) {
    return make_error(ErrorCode::kOutOfRange, "blob {} has {} bytes, more than {}", digest.str(),
                      size, limit);
  }
  std::string out(static_cast<size_t>(size), '\0');
  size_t done = 0;
  while (done < out.size()) {
    auto n =
        (*reader)->read_at(static_cast<int64_t>(done),
                           std::as_writable_bytes(std::span(out.data() + done, out.size() - done)));
    if (!n) return n.error();
    if (*n == 0) break;
    done += *n;
  }
  out.resize(done);
  if (digest_of(out, digest.algorithm()) != digest) {
    return make_error(ErrorCode::kCorrupt, "blob {} does not match its digest", digest.str());
  }
  return out;
}

std::unique_ptr<image::ImageSource> local_image_source(const LocalRegistry& local,
                                                       std::string repository, std::string digest,
                                                       std::string platform) {
  return std::make_unique<LocalImageSource>(local, std::move(repository), std::move(digest),
                                            std::move(platform));
}

std::unique_ptr<sign::ArtifactStore> local_artifact_store(const LocalRegistry& local,
                                                          std::string repository,
                                                          std::string user) {
  return std::make_unique<LocalArtifactStore>(local, std::move(repository), std::move(user));
}

}  // namespace portcullis::pipeline
