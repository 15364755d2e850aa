// oci:DIR[:REF] — an OCI image layout (image-spec image-layout.md).
#include <fcntl.h>

#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "image/sources.hpp"
#include "oci/media_types.hpp"

namespace portcullis::image {
namespace {

constexpr size_t kMaxJsonBytes = 8 * 1024 * 1024;

class OciLayoutSource final : public ImageSource {
 public:
  OciLayoutSource(std::filesystem::path dir, std::string ref, SourceOptions options,
                  std::string location)
      : dir_(std::move(dir)),
        ref_(std::move(ref)),
        options_(std::move(options)),
        location_(std::move(location)) {}

  Result<Image> read(const LayerFilter& wanted, const LayerVisitor& visit) override {
    auto image = resolve();
    if (!image) return image.error();
    for (const auto& layer : image->layers) {
      LayerBlob blob{layer.key, layer.digest};
      if (!wanted(blob)) continue;
      auto fd = open_read(blob_path(*layer.digest));
      if (!fd) return fd.error().context("layer {} of {}", layer.key, location_);
      FdStream stream(std::move(*fd));
      PORTCULLIS_TRY(visit(blob, stream));
    }
    return image;
  }

 private:
  std::filesystem::path blob_path(const Digest& d) const {
    return dir_ / "blobs" / std::string(to_string(d.algorithm())) / d.hex();
  }

  Result<std::string> read_blob(const Digest& d, std::string_view what) {
    auto text = read_file(blob_path(d));
    if (!text) return text.error().context("{} {} in {}", what, d.str(), location_);
    if (text->size() > kMaxJsonBytes) {
      return make_error(ErrorCode::kCorrupt, "{} {} is larger than {} bytes", what, d.str(),
                        kMaxJsonBytes);
    }
    if (digest_of(*text, d.algorithm()) != d) {
      return make_error(ErrorCode::kCorrupt, "{} {} in {} does not match its digest", what, d.str(),
                        location_);
    }
    return text;
  }

  Result<Image> resolve() {
    auto index_text = read_file(dir_ / "index.json");
    if (!index_text) return index_text.error().context("reading the OCI layout {}", dir_.string());
    auto index = oci::parse_manifest(oci::kOciIndex, *index_text);
    if (!index) return index.error().context("{}/index.json", dir_.string());
    std::optional<oci::Descriptor> chosen;
    std::string refs;
    for (const auto& d : index->manifests) {
      auto name = d.annotations.find("org.opencontainers.image.ref.name");
      std::string n = name == d.annotations.end() ? "" : name->second;
      refs += (refs.empty() ? "" : ", ") + (n.empty() ? d.digest.str() : n);
      if (ref_.empty() ? index->manifests.size() == 1 : n == ref_) chosen = d;
    }
    if (!chosen) {
      return make_error(
          ErrorCode::kNotFound, "{}: {}; the layout holds: {}", location_,
          ref_.empty() ? "several images, name one with oci:DIR:REF" : "no image named " + ref_,
          refs);
    }
    Image image;
    image.reference = location_;
    // Follow nested indexes down to one image manifest for the platform.
    for (int depth = 0; depth < 8; ++depth) {
      auto body = read_blob(chosen->digest, "manifest");
      if (!body) return body.error();
      auto m = oci::parse_manifest(chosen->media_type, *body);
      if (!m) return m.error().context("manifest {} in {}", chosen->digest.str(), location_);
      if (m->is_index()) {
        auto child = select_platform(*m, options_.platform);
        if (!child) return child.error().context("{}", location_);
        chosen = *child;
        continue;
      }
      image.manifest_digest = chosen->digest;
      image.config_digest = m->config->digest;
      auto config = read_blob(m->config->digest, "config");
      if (!config) return config.error();
      image.config_json = std::move(*config);
      for (const auto& l : m->layers) {
        image.layers.push_back(Layer{l.digest.str(), l.digest, l.media_type, l.digest});
      }
      PORTCULLIS_TRY(read_config(image.config_json, image));
      return image;
    }
    return make_error(ErrorCode::kCorrupt, "{}: indexes nest deeper than 8 levels", location_);
  }

  std::filesystem::path dir_;
  std::string ref_;
  SourceOptions options_;
  std::string location_;
};

}  // namespace

std::unique_ptr<ImageSource> make_oci_layout_source(std::filesystem::path dir, std::string ref,
                                                    SourceOptions options, std::string location) {
  return std::make_unique<OciLayoutSource>(std::move(dir), std::move(ref), std::move(options),
                                           std::move(location));
}

}  // namespace portcullis::image
