// oci-archive:FILE[:REF] — an OCI image layout in a tar file. The small JSON blobs (index,
// manifests, config) are read in a first pass that skips over layer data (a seek in an
// uncompressed tar); the second pass streams the wanted layers once.
#include <map>
#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "image/sources.hpp"
#include "image/tar_walker.hpp"

namespace portcullis::image {
namespace {

constexpr size_t kMaxJsonBytes = 4 * 1024 * 1024;
constexpr uint64_t kMaxArchiveBytes = uint64_t{1} << 40;

class OciArchiveSource final : public ImageSource {
 public:
  OciArchiveSource(std::filesystem::path file, std::string ref, SourceOptions options,
                   std::string location)
      : file_(std::move(file)),
        ref_(std::move(ref)),
        options_(std::move(options)),
        location_(std::move(location)) {}

  Result<Image> read(const LayerFilter& wanted, const LayerVisitor& visit) override {
    // Pass 1: every small file, by path.
    std::map<std::string, std::string> small;
    PORTCULLIS_TRY(walk([&](const TarEntry& entry, EntryReader& reader) -> Status {
      if (entry.type != TarEntry::Type::kFile || entry.size > static_cast<int64_t>(kMaxJsonBytes))
        return Ok{};
      auto text = reader.read_all(kMaxJsonBytes);
      if (!text) return text.error().context("{}", entry.path);
      small[entry.path] = std::move(*text);
      return Ok{};
    }));
    auto image = resolve(small);
    if (!image) return image.error();
    // Pass 2: the layers.
    std::map<std::string, const Layer*> by_path;
    for (const auto& layer : image->layers) {
      by_path["blobs/" + std::string(to_string(layer.digest->algorithm())) + "/" +
              layer.digest->hex()] = &layer;
    }
    PORTCULLIS_TRY(walk([&](const TarEntry& entry, EntryReader& reader) -> Status {
      auto it = by_path.find(entry.path);
      if (it == by_path.end() || entry.type != TarEntry::Type::kFile) return Ok{};
      LayerBlob blob{it->second->key, it->second->digest};
      by_path.erase(it);  // a layer shared by two positions is read once
      if (!wanted(blob)) return Ok{};
      EntryStream stream(reader);
      return visit(blob, stream);
    }));
    return image;
  }

 private:
  Status walk(const std::function<Status(const TarEntry&, EntryReader&)>& visit) {
    auto fd = open_read(file_);
    if (!fd) return fd.error().context("{}", location_);
    FdStream raw(std::move(*fd));
    auto stream = open_decompressed(raw, nullptr, kMaxArchiveBytes);
    if (!stream) return stream.error();
    auto walked = walk_tar(**stream, visit);
    if (!walked) return walked.error().context("{}", location_);
    return Ok{};
  }

  Result<Image> resolve(const std::map<std::string, std::string>& small) {
    auto index = small.find("index.json");
    if (index == small.end())
      return make_error(ErrorCode::kCorrupt, "{}: no index.json", location_);
    return resolve_layout_index(
        index->second, ref_, options_, location_,
        [&](const Digest& d, std::string_view what) -> Result<std::string> {
          auto it = small.find("blobs/" + std::string(to_string(d.algorithm())) + "/" + d.hex());
          if (it == small.end())
            return make_error(ErrorCode::kCorrupt, "{}: {} {} is missing", location_, what,
                              d.str());
          return it->second;
        });
  }

  std::filesystem::path file_;
  std::string ref_;
  SourceOptions options_;
  std::string location_;
};

}  // namespace

std::unique_ptr<ImageSource> make_oci_archive_source(std::filesystem::path file, std::string ref,
                                                     SourceOptions options, std::string location) {
  return std::make_unique<OciArchiveSource>(std::move(file), std::move(ref), std::move(options),
                                            std::move(location));
}

}  // namespace portcullis::image
