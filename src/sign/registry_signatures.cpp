// cosign's signature tag layout over the distribution API.
#include "sign/registry_signatures.hpp"

#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/encoding.hpp"
#include "base/json_text.hpp"

namespace portcullis::sign {
namespace {

constexpr const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

Status upload_blob(http::RegistryClient& client, const std::string& content) {
  const auto& repo = client.endpoint().repository;
  std::string digest = digest_of(content).str();
  auto head = client.send({"HEAD", "/v2/" + repo + "/blobs/" + digest, {}, "", false});
  if (!head) return head.error();
  if (head->status == 200) return Ok{};
  auto start = client.send({"POST", "/v2/" + repo + "/blobs/uploads/", {}, "", true});
  if (!start) return start.error();
  if (start->status != 202) return client.http_error(*start, "blob upload");
  std::string location(start->header("location"));
  if (location.empty()) {
    return make_error(ErrorCode::kIo, "{}: blob upload without a Location",
                      client.endpoint().location);
  }
  location += (location.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") +
              percent_encode(digest);
  auto put =
      client.send({"PUT", location, {{"Content-Type", "application/octet-stream"}}, content, true});
  if (!put) return put.error();
  if (put->status != 201) return client.http_error(*put, "blob " + digest);
  return Ok{};
}

nlohmann::json descriptor(const std::string& media_type, const std::string& content) {
  return {
      {"mediaType", media_type}, {"size", content.size()}, {"digest", digest_of(content).str()}};
}

// The signature manifest, or null when the image has none yet.
Result<nlohmann::json> fetch_manifest(http::RegistryClient& client, std::string_view digest) {
  const auto& repo = client.endpoint().repository;
  auto res = client.send({"GET",
                          "/v2/" + repo + "/manifests/" + signature_tag(digest),
                          {{"Accept", kManifestType}},
                          "",
                          false});
  if (!res) return res.error();
  if (res->status == 404) return nlohmann::json(nullptr);
  if (res->status != 200) return client.http_error(*res, "signatures of " + std::string(digest));
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  if (!doc.is_object()) {
    return make_error(ErrorCode::kCorrupt, "{}: {} is not a JSON manifest",
                      client.endpoint().location, signature_tag(digest));
  }
  return doc;
}

}  // namespace

std::string signature_tag(std::string_view manifest_digest) {
  std::string tag(manifest_digest);
  auto colon = tag.find(':');
  if (colon != std::string::npos) tag[colon] = '-';
  return tag + ".sig";
}

Result<std::string> resolve_digest(http::RegistryClient& client, const oci::Reference& ref) {
  if (ref.digest) return ref.digest->str();
  auto res = client.send(
      {"GET", "/v2/" + ref.repository + "/manifests/" + ref.tag, {{"Accept", kAccept}}, "", false});
  if (!res) return res.error();
  if (res->status == 404) {
    return make_error(ErrorCode::kNotFound, "{}: tag {} not found", client.endpoint().location,
                      ref.tag);
  }
  if (res->status != 200) return client.http_error(*res, "manifest " + ref.tag);
  return digest_of(res->body).str();
}

Status push_signature(http::RegistryClient& client, std::string_view manifest_digest,
                      const std::string& payload, const std::string& signature) {
  auto existing = fetch_manifest(client, manifest_digest);
  if (!existing) return existing.error();
  nlohmann::json layers = nlohmann::json::array();
  std::string encoded = base64_encode(signature);
  if (existing->is_object() && existing->contains("layers") && (*existing)["layers"].is_array()) {
    layers = (*existing)["layers"];
  }
  auto layer = descriptor(std::string(kSimpleSigningMediaType), payload);
  layer["annotations"] = {{std::string(kSignatureAnnotation), encoded}};
  layers.push_back(layer);
  // The config lists every layer as a diff_id, as cosign writes it.
  nlohmann::json diff_ids = nlohmann::json::array();
  for (const auto& l : layers) diff_ids.push_back(l.value("digest", ""));
  std::string config =
      to_json_text({{"architecture", ""},
                    {"created", "0001-01-01T00:00:00Z"},
                    {"history", nlohmann::json::array({{{"created", "0001-01-01T00:00:00Z"}}})},
                    {"os", ""},
                    {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}},
                    {"config", nlohmann::json::object()}});
  PORTCULLIS_TRY(upload_blob(client, payload));
  PORTCULLIS_TRY(upload_blob(client, config));
  nlohmann::json manifest = {
      {"schemaVersion", 2},
      {"mediaType", kManifestType},
      {"config", descriptor("application/vnd.oci.image.config.v1+json", config)},
      {"layers", layers}};
  const auto& repo = client.endpoint().repository;
  auto put = client.send({"PUT",
                          "/v2/" + repo + "/manifests/" + signature_tag(manifest_digest),
                          {{"Content-Type", kManifestType}},
                          to_json_text(manifest),
                          true});
  if (!put) return put.error();
  if (put->status != 201) return client.http_error(*put, "signature manifest");
  return Ok{};
}

Result<std::vector<StoredSignature>> fetch_signatures(http::RegistryClient& client,
                                                      std::string_view manifest_digest) {
  auto manifest = fetch_manifest(client, manifest_digest);
  if (!manifest) return manifest.error();
  std::vector<StoredSignature> out;
  if (!manifest->is_object() || !manifest->contains("layers")) return out;
  const auto& repo = client.endpoint().repository;
  for (const auto& layer : (*manifest)["layers"]) {
    if (!layer.is_object() || layer.value("mediaType", "") != kSimpleSigningMediaType) continue;
    StoredSignature s;
    s.layer_digest = layer.value("digest", "");
    auto annotations = layer.find("annotations");
    std::string encoded;
    if (annotations != layer.end() && annotations->is_object()) {
      encoded = annotations->value(std::string(kSignatureAnnotation), "");
    }
    auto decoded = base64_decode(encoded);
    if (!decoded) continue;  // a layer without a usable signature is no candidate
    s.signature = std::move(*decoded);
    auto blob = client.send({"GET", "/v2/" + repo + "/blobs/" + s.layer_digest, {}, "", false});
    if (!blob) return blob.error();
    if (blob->status != 200) return client.http_error(*blob, "signature payload " + s.layer_digest);
    auto expected = Digest::parse(s.layer_digest);
    if (!expected || digest_of(blob->body, expected->algorithm()) != *expected) {
      return make_error(ErrorCode::kCorrupt, "{}: signature payload {} does not match its digest",
                        client.endpoint().location, s.layer_digest);
    }
    s.payload = std::move(blob->body);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace portcullis::sign
