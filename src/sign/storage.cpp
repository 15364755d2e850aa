// Signatures and attestations in cosign's tag layout and as OCI 1.1 referrers.
#include "sign/storage.hpp"

#include <set>

#include "base/digest.hpp"
#include "base/encoding.hpp"
#include "base/json_text.hpp"

namespace portcullis::sign {
namespace {

constexpr const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kIndexType = "application/vnd.oci.image.index.v1+json";
constexpr const char* kEmptyType = "application/vnd.oci.empty.v1+json";
constexpr const char* kAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

nlohmann::json descriptor(const std::string& media_type, const std::string& content) {
  return {
      {"mediaType", media_type}, {"size", content.size()}, {"digest", digest_of(content).str()}};
}

// "sha256-<hex>" + suffix: cosign's tag for an image's signatures (.sig) or attestations (.att);
// with no suffix, the referrers tag schema's index.
std::string tag_for(std::string_view digest, std::string_view suffix) {
  std::string tag(digest);
  auto colon = tag.find(':');
  if (colon != std::string::npos) tag[colon] = '-';
  return tag + std::string(suffix);
}

Result<nlohmann::json> manifest_json(ArtifactStore& store, std::string_view reference) {
  auto body = store.get_manifest(reference);
  if (!body) return body.error();
  if (!*body) return nlohmann::json(nullptr);
  auto doc = nlohmann::json::parse(**body, nullptr, false);
  if (!doc.is_object()) {
    return make_error(ErrorCode::kCorrupt, "{}: {} is not a JSON manifest", store.location(),
                      reference);
  }
  return doc;
}

nlohmann::json array_field(const nlohmann::json& doc, const char* name) {
  if (!doc.is_object() || !doc.contains(name) || !doc[name].is_array()) {
    return nlohmann::json::array();
  }
  return doc[name];
}

nlohmann::json object_field(const nlohmann::json& doc, const char* name) {
  if (!doc.is_object() || !doc.contains(name) || !doc[name].is_object()) {
    return nlohmann::json::object();
  }
  return doc[name];
}

// Adds one layer (content + annotations) to the manifest under the tag, keeping the others.
Status push_tag_layer(ArtifactStore& store, std::string_view manifest_digest,
                      std::string_view suffix, std::string_view media_type,
                      const std::string& content, const nlohmann::json& annotations) {
  auto existing = manifest_json(store, tag_for(manifest_digest, suffix));
  if (!existing) return existing.error();
  nlohmann::json layers = array_field(*existing, "layers");
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
  PORTCULLIS_TRY(store.put_blob(content));
  PORTCULLIS_TRY(store.put_blob(config));
  nlohmann::json manifest = {
      {"schemaVersion", 2},
      {"mediaType", kManifestType},
      {"config", descriptor("application/vnd.oci.image.config.v1+json", config)},
      {"layers", layers}};
  auto put = store.put_manifest(to_json_text(manifest), tag_for(manifest_digest, suffix));
  if (!put) return put.error();
  return Ok{};
}

struct Layer {
  std::string content;  // verified against its digest
  std::string digest;
  nlohmann::json annotations;           // the layer's
  nlohmann::json manifest_annotations;  // the manifest's
  std::string where;
};

// The layers of `media_type` in one manifest, with their content.
// A layer already collected (the same signature in both layouts) is one candidate: `seen`.
Status collect_layers(ArtifactStore& store, const nlohmann::json& manifest,
                      std::string_view media_type, const std::string& where,
                      std::set<std::string>& seen, std::vector<Layer>& out) {
  for (const auto& layer : array_field(manifest, "layers")) {
    if (!layer.is_object() || layer.value("mediaType", "") != media_type) continue;
    auto digest = Digest::parse(layer.value("digest", ""));
    if (!digest) continue;  // not a candidate: nothing to fetch
    if (!seen.insert(digest->str() + " " + object_field(layer, "annotations").dump()).second) {
      continue;
    }
    auto blob = store.get_blob(*digest);
    if (!blob) return blob.error();
    out.push_back({std::move(*blob), digest->str(), object_field(layer, "annotations"),
                   object_field(manifest, "annotations"), where});
  }
  return Ok{};
}

// Every layer of `media_type` under the cosign tag and in referrers of `artifact_type`.
Result<std::vector<Layer>> fetch_layers(ArtifactStore& store, std::string_view manifest_digest,
                                        std::string_view suffix, std::string_view artifact_type,
                                        std::string_view media_type) {
  std::vector<Layer> out;
  std::set<std::string> seen;
  std::string tag = tag_for(manifest_digest, suffix);
  auto tagged = manifest_json(store, tag);
  if (!tagged) return tagged.error();
  PORTCULLIS_TRY(collect_layers(store, *tagged, media_type, "tag " + tag, seen, out));

  auto listed = store.referrers(manifest_digest);
  if (!listed) return listed.error();
  std::vector<nlohmann::json> referrers;
  if (*listed) {
    referrers = std::move(**listed);
  } else {
    auto index = manifest_json(store, tag_for(manifest_digest, ""));
    if (!index) return index.error();
    for (const auto& m : array_field(*index, "manifests")) referrers.push_back(m);
  }
  for (const auto& r : referrers) {
    if (!r.is_object() || r.value("artifactType", "") != artifact_type) continue;
    std::string digest = r.value("digest", "");
    if (!Digest::parse(digest)) continue;
    auto manifest = manifest_json(store, digest);
    if (!manifest) return manifest.error();
    // A referrer must name this image as its subject, whatever the listing says.
    if (object_field(*manifest, "subject").value("digest", "") != manifest_digest) continue;
    PORTCULLIS_TRY(collect_layers(store, *manifest, media_type, "referrer " + digest, seen, out));
  }
  return out;
}

}  // namespace

Status push_referrer(ArtifactStore& store, const Subject& subject, std::string_view artifact_type,
                     std::string_view media_type, const std::string& content,
                     const nlohmann::json& layer_annotations,
                     const nlohmann::json& manifest_annotations) {
  static const std::string kEmptyJson = "{}";
  PORTCULLIS_TRY(store.put_blob(content));
  PORTCULLIS_TRY(store.put_blob(kEmptyJson));
  auto layer = descriptor(std::string(media_type), content);
  layer["annotations"] = layer_annotations;
  nlohmann::json manifest = {
      {"schemaVersion", 2},
      {"mediaType", kManifestType},
      {"artifactType", artifact_type},
      {"config", descriptor(kEmptyType, kEmptyJson)},
      {"layers", nlohmann::json::array({layer})},
      {"subject",
       {{"mediaType", subject.media_type}, {"digest", subject.digest}, {"size", subject.size}}}};
  if (!manifest_annotations.empty()) manifest["annotations"] = manifest_annotations;
  std::string text = to_json_text(manifest);
  auto indexed = store.put_manifest(text, "");
  if (!indexed) return indexed.error();
  if (*indexed) return Ok{};
  auto index = manifest_json(store, tag_for(subject.digest, ""));
  if (!index) return index.error();
  nlohmann::json entries = array_field(*index, "manifests");
  auto entry = descriptor(kManifestType, text);
  entry["artifactType"] = artifact_type;
  if (!manifest_annotations.empty()) entry["annotations"] = manifest_annotations;
  entries.push_back(entry);
  nlohmann::json fallback = {
      {"schemaVersion", 2}, {"mediaType", kIndexType}, {"manifests", entries}};
  auto put = store.put_manifest(to_json_text(fallback), tag_for(subject.digest, ""));
  if (!put) return put.error();
  return Ok{};
}

std::string signature_tag(std::string_view manifest_digest) {
  return tag_for(manifest_digest, ".sig");
}

Result<Subject> resolve_subject(http::RegistryClient& client, const oci::Reference& ref) {
  std::string reference = ref.digest ? ref.digest->str() : ref.tag;
  auto res = client.send({"GET",
                          "/v2/" + ref.repository + "/manifests/" + reference,
                          {{"Accept", kAccept}},
                          "",
                          false});
  if (!res) return res.error();
  if (res->status == 404) {
    return make_error(ErrorCode::kNotFound, "{}: {} not found", client.endpoint().location,
                      ref.digest ? "manifest " + reference : "tag " + reference);
  }
  if (res->status != 200) return client.http_error(*res, "manifest " + reference);
  Subject s;
  s.digest = digest_of(res->body).str();
  if (ref.digest && s.digest != ref.digest->str()) {
    return make_error(ErrorCode::kCorrupt, "{}: manifest {} has content with digest {}",
                      client.endpoint().location, reference, s.digest);
  }
  s.media_type = std::string(res->header("content-type"));
  s.media_type = s.media_type.substr(0, s.media_type.find(';'));
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  if (doc.is_object() && doc.contains("mediaType") && doc["mediaType"].is_string()) {
    s.media_type = doc["mediaType"].get<std::string>();
  }
  s.size = static_cast<int64_t>(res->body.size());
  return s;
}

Status push_signature(ArtifactStore& store, const Subject& subject, const std::string& payload,
                      const std::string& signature) {
  nlohmann::json annotations = {{std::string(kSignatureAnnotation), base64_encode(signature)}};
  PORTCULLIS_TRY(
      push_tag_layer(store, subject.digest, ".sig", kSimpleSigningMediaType, payload, annotations));
  return push_referrer(store, subject, kSignatureArtifactType, kSimpleSigningMediaType, payload,
                       annotations, nlohmann::json::object());
}

Result<std::vector<StoredSignature>> fetch_signatures(ArtifactStore& store,
                                                      std::string_view manifest_digest) {
  auto layers =
      fetch_layers(store, manifest_digest, ".sig", kSignatureArtifactType, kSimpleSigningMediaType);
  if (!layers) return layers.error();
  std::vector<StoredSignature> out;
  for (auto& l : *layers) {
    auto encoded = l.annotations.value(std::string(kSignatureAnnotation), "");
    auto decoded = base64_decode(encoded);
    if (!decoded) continue;  // a layer without a usable signature is no candidate
    out.push_back({std::move(l.content), std::move(*decoded), l.where});
  }
  return out;
}

Status push_attestation(ArtifactStore& store, const Subject& subject, const std::string& envelope,
                        std::string_view predicate_type) {
  PORTCULLIS_TRY(push_tag_layer(store, subject.digest, ".att", kDsseMediaType, envelope,
                                {{"predicateType", predicate_type}}));
  return push_referrer(store, subject, kDsseMediaType, kDsseMediaType, envelope,
                       {{"predicateType", predicate_type}},
                       {{std::string(kPredicateTypeAnnotation), predicate_type}});
}

Result<std::vector<StoredAttestation>> fetch_attestations(ArtifactStore& store,
                                                          std::string_view manifest_digest) {
  auto layers = fetch_layers(store, manifest_digest, ".att", kDsseMediaType, kDsseMediaType);
  if (!layers) return layers.error();
  std::vector<StoredAttestation> out;
  for (auto& l : *layers) {
    std::string type = l.annotations.value("predicateType", "");
    if (type.empty())
      type = l.manifest_annotations.value(std::string(kPredicateTypeAnnotation), "");
    out.push_back({std::move(l.content), std::move(type), l.where});
  }
  return out;
}

}  // namespace portcullis::sign
