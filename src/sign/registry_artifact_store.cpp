// ArtifactStore over the distribution API of one repository.
#include <fmt/format.h>

#include "base/encoding.hpp"
#include "base/json_text.hpp"
#include "sign/artifact_store.hpp"

namespace portcullis::sign {
namespace {

constexpr const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kIndexType = "application/vnd.oci.image.index.v1+json";

class RegistryArtifactStore final : public ArtifactStore {
 public:
  explicit RegistryArtifactStore(http::RegistryClient& client) : client_(client) {}

  Status put_blob(const std::string& content) override {
    std::string digest = digest_of(content).str();
    auto head = client_.send({"HEAD", blob_path(digest), {}, "", false});
    if (!head) return head.error();
    if (head->status == 200) return Ok{};
    auto start = client_.send({"POST", "/v2/" + repo() + "/blobs/uploads/", {}, "", true});
    if (!start) return start.error();
    if (start->status != 202) return client_.http_error(*start, "blob upload");
    std::string location(start->header("location"));
    if (location.empty()) {
      return make_error(ErrorCode::kIo, "{}: blob upload without a Location", this->location());
    }
    location += (location.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") +
                percent_encode(digest);
    auto put = client_.send(
        {"PUT", location, {{"Content-Type", "application/octet-stream"}}, content, true});
    if (!put) return put.error();
    if (put->status != 201) return client_.http_error(*put, "blob " + digest);
    return Ok{};
  }

  Result<bool> put_manifest(const std::string& manifest, std::string_view tag) override {
    auto doc = nlohmann::json::parse(manifest, nullptr, false);
    std::string media_type = doc.is_object() ? doc.value("mediaType", kManifestType) : "";
    std::string reference = tag.empty() ? digest_of(manifest).str() : std::string(tag);
    auto put = client_.send({"PUT",
                             "/v2/" + repo() + "/manifests/" + reference,
                             {{"Content-Type", media_type}},
                             manifest,
                             true});
    if (!put) return put.error();
    if (put->status != 201) return client_.http_error(*put, "manifest " + reference);
    return !put->header("oci-subject").empty();
  }

  Result<std::optional<std::string>> get_manifest(std::string_view reference) override {
    auto res = client_.send({"GET",
                             "/v2/" + repo() + "/manifests/" + std::string(reference),
                             {{"Accept", std::string(kManifestType) + ", " + kIndexType}},
                             "",
                             false});
    if (!res) return res.error();
    if (res->status == 404) return std::optional<std::string>();
    if (res->status != 200) return client_.http_error(*res, "manifest " + std::string(reference));
    if (auto expected = Digest::parse(reference);
        expected && digest_of(res->body, expected->algorithm()) != *expected) {
      return make_error(ErrorCode::kCorrupt, "{}: manifest {} does not match its digest",
                        location(), reference);
    }
    return std::optional<std::string>(std::move(res->body));
  }

  Result<std::string> get_blob(const Digest& digest) override {
    auto res = client_.send({"GET", blob_path(digest.str()), {}, "", false});
    if (!res) return res.error();
    if (res->status != 200) return client_.http_error(*res, "blob " + digest.str());
    if (digest_of(res->body, digest.algorithm()) != digest) {
      return make_error(ErrorCode::kCorrupt, "{}: blob {} does not match its digest", location(),
                        digest.str());
    }
    return std::move(res->body);
  }

  Result<std::optional<std::vector<nlohmann::json>>> referrers(std::string_view digest) override {
    using Out = std::optional<std::vector<nlohmann::json>>;
    auto res =
        client_.send({"GET", "/v2/" + repo() + "/referrers/" + std::string(digest), {}, "", false});
    if (!res) return res.error();
    // Registries without the API answer 404 (distribution) or 405; so does a registry that
    // routes the path as a repository name. Either way, fall back to the tag schema.
    if (res->status == 404 || res->status == 405) return Out();
    if (res->status != 200) return client_.http_error(*res, "referrers of " + std::string(digest));
    auto doc = nlohmann::json::parse(res->body, nullptr, false);
    if (!doc.is_object() || !doc.contains("manifests") || !doc["manifests"].is_array()) {
      return make_error(ErrorCode::kCorrupt, "{}: the referrers of {} are not an image index",
                        location(), digest);
    }
    return Out(doc["manifests"].get<std::vector<nlohmann::json>>());
  }

  const std::string& location() const override { return client_.endpoint().location; }

 private:
  const std::string& repo() const { return client_.endpoint().repository; }
  std::string blob_path(const std::string& digest) const {
    return "/v2/" + repo() + "/blobs/" + digest;
  }

  http::RegistryClient& client_;
};

}  // namespace

std::unique_ptr<ArtifactStore> registry_store(http::RegistryClient& client) {
  return std::make_unique<RegistryArtifactStore>(client);
}

}  // namespace portcullis::sign
