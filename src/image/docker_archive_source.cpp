// docker-archive:FILE — `docker save` / skopeo / kaniko --tarPath output, plain or gzip-wrapped.
// Read in one pass: manifest.json may come last (skopeo writes it at the end), so layers are
// visited as they stream past and put in order afterwards.
#include <map>
#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "image/sources.hpp"
#include "image/tar_walker.hpp"

namespace portcullis::image {
namespace {

constexpr size_t kMaxJsonBytes = 8 * 1024 * 1024;
constexpr uint64_t kMaxArchiveBytes = uint64_t{1} << 40;

std::optional<Digest> digest_from_member(std::string_view name) {
  if (!name.ends_with(".tar") || name.find('/') != std::string_view::npos) return std::nullopt;
  auto d = Digest::parse("sha256:" + std::string(name.substr(0, name.size() - 4)));
  if (!d) return std::nullopt;
  return *d;
}

class DockerArchiveSource final : public ImageSource {
 public:
  DockerArchiveSource(std::filesystem::path file, std::string location)
      : file_(std::move(file)), location_(std::move(location)) {}

  Result<Image> read(const LayerFilter& wanted, const LayerVisitor& visit) override {
    auto fd = open_read(file_);
    if (!fd) return fd.error().context("{}", location_);
    FdStream raw(std::move(*fd));
    auto stream = open_decompressed(raw, nullptr, kMaxArchiveBytes);
    if (!stream) return stream.error();
    std::map<std::string, std::string> json_files;
    std::map<std::string, std::string> symlinks;
    auto walked = walk_tar(**stream, [&](const TarEntry& entry, EntryReader& reader) -> Status {
      if (entry.type == TarEntry::Type::kSymlink) {
        auto dir = entry.path.substr(0, entry.path.rfind('/') + 1);
        auto target =
            normalize_path(entry.link_target.starts_with("/") ? entry.link_target.substr(1)
                                                              : dir + entry.link_target);
        if (target) symlinks[entry.path] = *target;
        return Ok{};
      }
      if (entry.type != TarEntry::Type::kFile) return Ok{};
      if (entry.path.ends_with(".json") || entry.path.ends_with("/json") ||
          entry.path == "manifest.json") {
        auto text = reader.read_all(kMaxJsonBytes);
        if (!text) return text.error().context("{} in {}", entry.path, location_);
        json_files[entry.path] = std::move(*text);
        return Ok{};
      }
      if (!entry.path.ends_with(".tar")) return Ok{};
      LayerBlob blob{entry.path, digest_from_member(entry.path)};
      if (!wanted(blob)) return Ok{};
      EntryStream layer(reader);
      return visit(blob, layer);
    });
    if (!walked) return walked.error().context("{}", location_);

    auto manifest_text = json_files.find("manifest.json");
    if (manifest_text == json_files.end()) {
      return make_error(ErrorCode::kCorrupt, "{}: no manifest.json (not a docker-archive?)",
                        location_);
    }
    auto manifest = nlohmann::json::parse(manifest_text->second, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_array() || manifest.empty() ||
        !manifest[0].is_object()) {
      return make_error(ErrorCode::kCorrupt, "{}: manifest.json is not a non-empty array",
                        location_);
    }
    if (manifest.size() > 1) {
      return make_error(ErrorCode::kUnsupported, "{}: archives with {} images are not supported",
                        location_, manifest.size());
    }
    const auto& entry = manifest[0];
    auto config_name = entry.value("Config", "");
    auto config = json_files.find(config_name);
    if (config == json_files.end()) {
      return make_error(ErrorCode::kCorrupt, "{}: config \"{}\" named by manifest.json is missing",
                        location_, config_name);
    }
    Image image;
    image.reference = location_;
    image.config_json = config->second;
    image.config_digest = digest_of(config->second);
    if (!entry.contains("Layers") || !entry["Layers"].is_array()) {
      return make_error(ErrorCode::kCorrupt, "{}: manifest.json has no Layers array", location_);
    }
    for (const auto& name : entry["Layers"]) {
      if (!name.is_string())
        return make_error(ErrorCode::kCorrupt, "{}: a Layers entry is not a string", location_);
      std::string member = name.get<std::string>();
      for (int hops = 0; hops < 8 && symlinks.contains(member); ++hops) member = symlinks[member];
      image.layers.push_back(Layer{member, digest_from_member(member),
                                   "application/vnd.docker.image.rootfs.diff.tar",
                                   image.config_digest});
    }
    PORTCULLIS_TRY(read_config(image.config_json, image));
    return image;
  }

 private:
  std::filesystem::path file_;
  std::string location_;
};

}  // namespace

std::unique_ptr<ImageSource> make_docker_archive_source(std::filesystem::path file,
                                                        std::string location) {
  return std::make_unique<DockerArchiveSource>(std::move(file), std::move(location));
}

}  // namespace portcullis::image
