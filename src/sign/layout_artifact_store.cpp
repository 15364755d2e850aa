// ArtifactStore over an OCI image layout directory (image-spec image-layout.md): blobs under
// blobs/<alg>/<hex>, manifests listed in index.json (tags as org.opencontainers.image.ref.name).
#include <fmt/format.h>

#include "base/file.hpp"
#include "base/json_text.hpp"
#include "sign/artifact_store.hpp"

namespace portcullis::sign {
namespace {

namespace fs = std::filesystem;
constexpr const char* kRefName = "org.opencontainers.image.ref.name";
constexpr const char* kIndexType = "application/vnd.oci.image.index.v1+json";
constexpr const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";

class LayoutArtifactStore final : public ArtifactStore {
 public:
  explicit LayoutArtifactStore(fs::path dir) : dir_(std::move(dir)), location_(dir_.string()) {}

  Status put_blob(const std::string& content) override {
    Digest digest = digest_of(content);
    fs::path path = blob_path(digest);
    std::error_code ec;
    if (fs::exists(path, ec)) return Ok{};
    fs::create_directories(path.parent_path(), ec);
    if (ec) return make_error(ErrorCode::kIo, "{}: {}", path.parent_path().string(), ec.message());
    return write_file_atomic(path, content, 0644);
  }

  Result<bool> put_manifest(const std::string& manifest, std::string_view tag) override {
    PORTCULLIS_TRY(put_blob(manifest));
    auto index = read_index();
    if (!index) return index.error();
    auto doc = nlohmann::json::parse(manifest, nullptr, false);
    nlohmann::json d = {{"mediaType", doc.is_object() ? doc.value("mediaType", kManifestType)
                                                      : std::string(kManifestType)},
                        {"digest", digest_of(manifest).str()},
                        {"size", manifest.size()}};
    if (doc.is_object() && doc.contains("artifactType")) d["artifactType"] = doc["artifactType"];
    auto& manifests = (*index)["manifests"];
    nlohmann::json kept = nlohmann::json::array();
    bool present = false;
    for (const auto& m : manifests) {
      std::string name = ref_name(m);
      if (!tag.empty() && name == tag) continue;  // the tag moves to the new manifest
      if (tag.empty() && name.empty() && m.value("digest", "") == d["digest"]) present = true;
      kept.push_back(m);
    }
    if (!tag.empty()) d["annotations"] = {{kRefName, tag}};
    if (!present) kept.push_back(d);
    manifests = std::move(kept);
    PORTCULLIS_TRY(write_file_atomic(dir_ / "index.json", to_json_text(*index), 0644));
    return true;
  }

  Result<std::optional<std::string>> get_manifest(std::string_view reference) override {
    auto index = read_index();
    if (!index) return index.error();
    for (const auto& m : (*index)["manifests"]) {
      if (ref_name(m) != reference && m.value("digest", "") != reference) continue;
      auto digest = Digest::parse(m.value("digest", ""));
      if (!digest) {
        return make_error(ErrorCode::kCorrupt, "{}/index.json: a manifest has digest \"{}\"",
                          location_, m.value("digest", ""));
      }
      auto body = get_blob(*digest);
      if (!body) return body.error();
      return std::optional<std::string>(std::move(*body));
    }
    return std::optional<std::string>();
  }

  Result<std::string> get_blob(const Digest& digest) override {
    auto body = read_file(blob_path(digest));
    if (!body) return body.error();
    if (digest_of(*body, digest.algorithm()) != digest) {
      return make_error(ErrorCode::kCorrupt, "{}: blob {} does not match its digest", location_,
                        digest.str());
    }
    return std::move(*body);
  }

  Result<std::optional<std::vector<nlohmann::json>>> referrers(std::string_view digest) override {
    auto index = read_index();
    if (!index) return index.error();
    std::vector<nlohmann::json> out;
    for (const auto& m : (*index)["manifests"]) {
      auto d = Digest::parse(m.value("digest", ""));
      if (!d || m.value("mediaType", "") != kManifestType) continue;
      auto body = get_blob(*d);
      if (!body) return body.error();
      auto doc = nlohmann::json::parse(*body, nullptr, false);
      if (!doc.is_object() || !doc.contains("subject") || !doc["subject"].is_object() ||
          doc["subject"].value("digest", "") != digest) {
        continue;
      }
      nlohmann::json r = {
          {"mediaType", kManifestType}, {"digest", d->str()}, {"size", body->size()}};
      r["artifactType"] = doc.contains("artifactType")
                              ? doc["artifactType"]
                              : nlohmann::json(doc["config"].value("mediaType", ""));
      if (doc.contains("annotations")) r["annotations"] = doc["annotations"];
      out.push_back(std::move(r));
    }
    return std::optional<std::vector<nlohmann::json>>(std::move(out));
  }

  const std::string& location() const override { return location_; }

  Status create() {
    std::error_code ec;
    fs::create_directories(dir_ / "blobs" / "sha256", ec);
    if (ec) return make_error(ErrorCode::kIo, "{}: {}", location_, ec.message());
    if (!fs::exists(dir_ / "oci-layout")) {
      PORTCULLIS_TRY(
          write_file_atomic(dir_ / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})", 0644));
    }
    if (!fs::exists(dir_ / "index.json")) {
      nlohmann::json index = {
          {"schemaVersion", 2}, {"mediaType", kIndexType}, {"manifests", nlohmann::json::array()}};
      PORTCULLIS_TRY(write_file_atomic(dir_ / "index.json", to_json_text(index), 0644));
    }
    return Ok{};
  }

 private:
  static std::string ref_name(const nlohmann::json& descriptor) {
    auto a = descriptor.find("annotations");
    if (a == descriptor.end() || !a->is_object()) return "";
    return a->value(kRefName, "");
  }

  fs::path blob_path(const Digest& digest) const {
    return dir_ / "blobs" / std::string(to_string(digest.algorithm())) / digest.hex();
  }

  Result<nlohmann::json> read_index() {
    auto text = read_file(dir_ / "index.json");
    if (!text) return text.error();
    auto index = nlohmann::json::parse(*text, nullptr, false);
    if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array()) {
      return make_error(ErrorCode::kCorrupt, "{}/index.json: not an OCI image index", location_);
    }
    return index;
  }

  fs::path dir_;
  std::string location_;
};

}  // namespace

Result<std::unique_ptr<ArtifactStore>> layout_store(const fs::path& dir, bool create) {
  auto store = std::make_unique<LayoutArtifactStore>(dir);
  if (create) {
    PORTCULLIS_TRY(store->create());
  } else if (!fs::exists(dir / "index.json")) {
    return make_error(ErrorCode::kNotFound, "{}: not an OCI image layout (no index.json)",
                      dir.string());
  }
  return std::unique_ptr<ArtifactStore>(std::move(store));
}

}  // namespace portcullis::sign
