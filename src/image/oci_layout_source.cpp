// oci:DIR[:REF] — an OCI image layout (image-spec image-layout.md).
#include <fcntl.h>

#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "image/sources.hpp"

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
    return text;
  }

  Result<Image> resolve() {
    auto index_text = read_file(dir_ / "index.json");
    if (!index_text) return index_text.error().context("reading the OCI layout {}", dir_.string());
    return resolve_layout_index(
        *index_text, ref_, options_, location_,
        [this](const Digest& d, std::string_view what) { return read_blob(d, what); });
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
