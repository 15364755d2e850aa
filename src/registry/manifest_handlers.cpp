// Manifests (distribution-spec "Pulling manifests", "Pushing manifests", "Deleting manifests"):
// stored byte for byte, checked for blobs and children the repository does not hold, indexed by
// subject for the referrers API.
#include <nlohmann/json.hpp>

#include "base/json_text.hpp"
#include "oci/manifest.hpp"
#include "oci/media_types.hpp"
#include "oci/names.hpp"
#include "registry/errors.hpp"
#include "registry/registry.hpp"

namespace portcullis::registry {
namespace {

std::string_view media_type_of(std::string_view content_type) {
  auto semicolon = content_type.find(';');
  auto t = content_type.substr(0, semicolon);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  return t;
}

}  // namespace

// NAME_UNKNOWN when the repository itself does not exist, else MANIFEST_UNKNOWN.
http::Response Registry::manifest_unknown(const Call& call, const std::string& what) {
  auto exists = metadata_.repository_exists(call.route.name);
  if (exists && !*exists) {
    return error_response(RegistryError::kNameUnknown,
                          fmt::format("repository {} is not known", call.route.name));
  }
  return error_response(RegistryError::kManifestUnknown,
                        fmt::format("{} is not in repository {}", what, call.route.name));
}

http::Response Registry::get_manifest(Call& call, bool head) {
  const std::string& reference = call.route.reference;
  std::string digest_text;
  if (reference.find(':') != std::string::npos) {
    auto digest = Digest::parse(reference);
    if (!digest) return error_response(RegistryError::kDigestInvalid, digest.error().message());
    digest_text = digest->str();
  } else {
    if (!oci::is_valid_tag(reference)) {
      return error_response(RegistryError::kTagInvalid,
                            fmt::format("invalid tag \"{}\"", reference.substr(0, 200)));
    }
    auto resolved = metadata_.resolve_tag(call.route.name, reference);
    if (!resolved) return internal_error(call, resolved.error());
    if (!*resolved) return manifest_unknown(call, "tag " + reference);
    digest_text = std::move(**resolved);
  }
  auto manifest = metadata_.get_manifest(call.route.name, digest_text);
  if (!manifest) return internal_error(call, manifest.error());
  if (!*manifest) return manifest_unknown(call, "manifest " + digest_text);
  http::Response res;
  res.set("Content-Type", (*manifest)->media_type);
  res.set("Docker-Content-Digest", digest_text);
  res.set("ETag", "\"" + digest_text + "\"");
  if (head) {
    res.head_length = (*manifest)->content.size();
  } else {
    res.body = std::move((*manifest)->content);
  }
  return res;
}

std::optional<std::string> artifact_tag_subject(std::string_view tag) {
  if (!tag.starts_with("sha256-")) return std::nullopt;
  auto dot = tag.find('.');
  auto hex = tag.substr(7, dot == std::string_view::npos ? std::string_view::npos : dot - 7);
  if (dot != std::string_view::npos) {
    auto suffix = tag.substr(dot);
    if (suffix != ".sig" && suffix != ".att" && suffix != ".sbom") return std::nullopt;
  }
  auto digest = Digest::parse("sha256:" + std::string(hex));
  if (!digest) return std::nullopt;
  return digest->str();
}

void Registry::set_hooks(RegistryHooks hooks) { hooks_ = std::move(hooks); }

void Registry::emit(const RegistryEvent& event) {
  if (hooks_.on_event) hooks_.on_event(event);
}

Registry::Stored Registry::store_manifest(std::string_view repository,
                                          std::optional<std::string_view> tag,
                                          std::string_view content_type, std::string body,
                                          const std::optional<Digest>& pushed_digest,
                                          std::string_view user, std::string_view remote) {
  Stored out;
  auto fail = [&out](RegistryError error, std::string message) {
    out.error = error;
    out.message = std::move(message);
    return std::move(out);
  };
  Digest digest =
      digest_of(body, pushed_digest ? pushed_digest->algorithm() : DigestAlgorithm::kSha256);
  if (pushed_digest && *pushed_digest != digest) {
    return fail(RegistryError::kDigestInvalid, fmt::format("manifest content has digest {}, not {}",
                                                           digest.str(), pushed_digest->str()));
  }
  auto manifest = oci::parse_manifest(content_type, body);
  if (!manifest) return fail(RegistryError::kManifestInvalid, manifest.error().what());
  out.digest = digest.str();
  if (hooks_.check_push) {
    ManifestPush push{repository, out.digest, tag, *manifest, user};
    if (auto denied = hooks_.check_push(push)) return fail(RegistryError::kDenied, *denied);
  }
  std::vector<store::ManifestReference> references;
  if (manifest->config) references.push_back({manifest->config->digest.str(), false, true});
  for (const auto& layer : manifest->layers) {
    // Foreign layers (with urls) live elsewhere: image-spec "urls", Docker's nondistributable.
    references.push_back({layer.digest.str(), false, layer.urls.empty()});
  }
  for (const auto& child : manifest->manifests) {
    references.push_back({child.digest.str(), true, true});
  }
  store::ManifestRecord record;
  record.digest = out.digest;
  record.media_type = manifest->media_type;
  record.content = std::move(body);
  record.artifact_type = manifest->effective_artifact_type();
  if (manifest->subject) record.subject = manifest->subject->digest.str();
  if (!manifest->annotations.empty())
    record.annotations_json = to_json_text(nlohmann::json(manifest->annotations));
  auto stored = metadata_.put_manifest(repository, record, references, tag);
  if (!stored) {
    if (stored.error().code() == ErrorCode::kNotFound) {
      return fail(RegistryError::kManifestBlobUnknown, stored.error().message());
    }
    out.internal = stored.error();
    return fail(RegistryError::kInternal, "internal error");
  }
  out.subject = record.subject;
  RegistryEvent event{"push",
                      std::string(repository),
                      out.digest,
                      tag ? std::string(*tag) : "",
                      record.media_type,
                      std::string(user),
                      std::string(remote)};
  event.artifact = !record.subject.empty() || (tag && artifact_tag_subject(*tag)) ||
                   (!manifest->is_index() && record.artifact_type != oci::kOciConfig &&
                    record.artifact_type != "application/vnd.docker.container.image.v1+json");
  emit(event);
  return out;
}

http::Response Registry::put_manifest(Call& call) {
  const std::string& reference = call.route.reference;
  std::optional<Digest> pushed_digest;
  std::optional<std::string_view> tag;
  if (reference.find(':') != std::string::npos) {
    auto digest = Digest::parse(reference);
    if (!digest) return error_response(RegistryError::kDigestInvalid, digest.error().message());
    pushed_digest = *digest;
  } else if (oci::is_valid_tag(reference)) {
    tag = reference;
  } else {
    return error_response(RegistryError::kTagInvalid,
                          fmt::format("invalid tag \"{}\"", reference.substr(0, 200)));
  }
  auto length = call.request.body->content_length();
  if (length && *length > oci::kMaxManifestBytes) {
    return error_response(RegistryError::kTooLarge,
                          fmt::format("manifest of {} bytes exceeds the {} byte limit", *length,
                                      oci::kMaxManifestBytes));
  }
  auto body = call.request.read_body(oci::kMaxManifestBytes);
  if (!body) {
    if (body.error().code() == ErrorCode::kOutOfRange) {
      return error_response(RegistryError::kTooLarge, body.error().message());
    }
    return error_response(RegistryError::kManifestInvalid, body.error().message());
  }
  auto content_type = media_type_of(call.request.header(http::beast_http::field::content_type));
  auto stored = store_manifest(call.route.name, tag, content_type, std::move(*body), pushed_digest,
                               call.identity.user, call.request.remote);
  if (stored.internal) return internal_error(call, *stored.internal);
  if (stored.error) return error_response(*stored.error, stored.message);
  http::Response res;
  res.status = 201;
  res.set("Location", fmt::format("/v2/{}/manifests/{}", call.route.name, stored.digest));
  res.set("Docker-Content-Digest", stored.digest);
  if (!stored.subject.empty()) res.set("OCI-Subject", stored.subject);
  return res;
}

http::Response Registry::delete_manifest(Call& call) {
  if (!options_.delete_enabled) {
    return error_response(RegistryError::kUnsupported, "deletion is disabled on this registry");
  }
  const std::string& reference = call.route.reference;
  if (hooks_.check_delete) {
    if (auto denied = hooks_.check_delete(call.route.name, reference)) {
      return error_response(RegistryError::kDenied, *denied);
    }
  }
  Result<bool> deleted = false;
  if (reference.find(':') != std::string::npos) {
    auto digest = Digest::parse(reference);
    if (!digest) return error_response(RegistryError::kDigestInvalid, digest.error().message());
    deleted = metadata_.delete_manifest(call.route.name, digest->str());
  } else if (oci::is_valid_tag(reference)) {
    // distribution-spec 1.1: deleting a tag removes the tag, not the manifest.
    deleted = metadata_.delete_tag(call.route.name, reference);
  } else {
    return error_response(RegistryError::kTagInvalid,
                          fmt::format("invalid tag \"{}\"", reference.substr(0, 200)));
  }
  if (!deleted) return internal_error(call, deleted.error());
  if (!*deleted) {
    return error_response(RegistryError::kManifestUnknown,
                          fmt::format("{} is not in repository {}", reference, call.route.name));
  }
  emit({"delete", call.route.name, reference.find(':') != std::string::npos ? reference : "",
        reference.find(':') != std::string::npos ? "" : reference, "", call.identity.user,
        call.request.remote});
  http::Response res;
  res.status = 202;
  return res;
}

}  // namespace portcullis::registry
