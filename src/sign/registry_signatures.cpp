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

// "sha256-<hex>" + suffix: cosign's tag for an image's signatures (.sig) or attestations (.att).
std::string tag_for(std::string_view digest, std::string_view suffix) {
  std::string tag(digest);
  auto colon = tag.find(':');
  if (colon != std::string::npos) tag[colon] = '-';
  return tag + std::string(suffix);
}

// The manifest under the tag, or null when the image has none yet.
Result<nlohmann::json> fetch_manifest(http::RegistryClient& client, std::string_view digest,
                                      std::string_view suffix) {
  const auto& repo = client.endpoint().repository;
  auto res = client.send({"GET",
                          "/v2/" + repo + "/manifests/" + tag_for(digest, suffix),
                          {{"Accept", kManifestType}},
                          "",
                          false});
  if (!res) return res.error();
  if (res->status == 404) return nlohmann::json(nullptr);
  if (res->status != 200) return client.http_error(*res, tag_for(digest, suffix));
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  if (!doc.is_object()) {
    return make_error(ErrorCode::kCorrupt, "{}: {} is not a JSON manifest",
                      client.endpoint().location, tag_for(digest, suffix));
  }
  return doc;
}

// Adds one layer (content + annotations) to the manifest under the tag, keeping the others.
Status push_layer(http::RegistryClient& client, std::string_view manifest_digest,
                  std::string_view suffix, std::string_view media_type, const std::string& content,
                  const nlohmann::json& annotations) {
  auto existing = fetch_manifest(client, manifest_digest, suffix);
  if (!existing) return existing.error();
  nlohmann::json layers = nlohmann::json::array();
  if (existing->is_object() && existing->contains("layers") && (*existing)["layers"].is_array()) {
    layers = (*existing)["layers"];
  }
  auto layer = descriptor(std::string(media_type), content);
  layer["annotations"] = annotations;
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
  PORTCULLIS_TRY(upload_blob(client, content));
  PORTCULLIS_TRY(upload_blob(client, config));
  nlohmann::json manifest = {
      {"schemaVersion", 2},
      {"mediaType", kManifestType},
      {"config", descriptor("application/vnd.oci.image.config.v1+json", config)},
      {"layers", layers}};
  const auto& repo = client.endpoint().repository;
  auto put = client.send({"PUT",
                          "/v2/" + repo + "/manifests/" + tag_for(manifest_digest, suffix),
                          {{"Content-Type", kManifestType}},
                          to_json_text(manifest),
                          true});
  if (!put) return put.error();
  if (put->status != 201) return client.http_error(*put, tag_for(manifest_digest, suffix));
  return Ok{};
}

struct Layer {
  std::string content;  // verified against its digest
  std::string digest;
  nlohmann::json annotations;
};

// Every layer of `media_type` under the tag, with its content.
Result<std::vector<Layer>> fetch_layers(http::RegistryClient& client,
                                        std::string_view manifest_digest, std::string_view suffix,
                                        std::string_view media_type) {
  auto manifest = fetch_manifest(client, manifest_digest, suffix);
  if (!manifest) return manifest.error();
  std::vector<Layer> out;
  if (!manifest->is_object() || !manifest->contains("layers") ||
      !(*manifest)["layers"].is_array()) {
    return out;
  }
  const auto& repo = client.endpoint().repository;
  for (const auto& layer : (*manifest)["layers"]) {
    if (!layer.is_object() || layer.value("mediaType", "") != media_type) continue;
    Layer l;
    l.digest = layer.value("digest", "");
    auto annotations = layer.find("annotations");
    l.annotations = annotations != layer.end() && annotations->is_object()
                        ? *annotations
                        : nlohmann::json::object();
    auto expected = Digest::parse(l.digest);
    if (!expected) continue;
    auto blob = client.send({"GET", "/v2/" + repo + "/blobs/" + l.digest, {}, "", false});
    if (!blob) return blob.error();
    if (blob->status != 200) return client.http_error(*blob, "layer " + l.digest);
    if (digest_of(blob->body, expected->algorithm()) != *expected) {
      return make_error(ErrorCode::kCorrupt, "{}: layer {} under {} does not match its digest",
                        client.endpoint().location, l.digest, tag_for(manifest_digest, suffix));
    }
    l.content = std::move(blob->body);
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace

std::string signature_tag(std::string_view manifest_digest) {
  return tag_for(manifest_digest, ".sig");
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
  return push_layer(client, manifest_digest, ".sig", kSimpleSigningMediaType, payload,
                    {{std::string(kSignatureAnnotation), base64_encode(signature)}});
}

Result<std::vector<StoredSignature>> fetch_signatures(http::RegistryClient& client,
                                                      std::string_view manifest_digest) {
  auto layers = fetch_layers(client, manifest_digest, ".sig", kSimpleSigningMediaType);
  if (!layers) return layers.error();
  std::vector<StoredSignature> out;
  for (auto& l : *layers) {
    auto encoded = l.annotations.value(std::string(kSignatureAnnotation), "");
    auto decoded = base64_decode(encoded);
    if (!decoded) continue;  // a layer without a usable signature is no candidate
    out.push_back({std::move(l.content), std::move(*decoded), l.digest});
  }
  return out;
}

Status push_attestation(http::RegistryClient& client, std::string_view manifest_digest,
                        const std::string& envelope, std::string_view predicate_type) {
  return push_layer(client, manifest_digest, ".att", kDsseMediaType, envelope,
                    {{"predicateType", predicate_type}});
}

Result<std::vector<StoredAttestation>> fetch_attestations(http::RegistryClient& client,
                                                          std::string_view manifest_digest) {
  auto layers = fetch_layers(client, manifest_digest, ".att", kDsseMediaType);
  if (!layers) return layers.error();
  std::vector<StoredAttestation> out;
  for (auto& l : *layers) {
    out.push_back({std::move(l.content), l.annotations.value("predicateType", ""), l.digest});
  }
  return out;
}

}  // namespace portcullis::sign
