// Image copies.
#include "pipeline/copy.hpp"

#include "base/encoding.hpp"
#include "http/response_stream.hpp"
#include "oci/manifest.hpp"
#include "oci/media_types.hpp"
#include "registry/hooks.hpp"

namespace portcullis::pipeline {
namespace {

Status refused(const std::string& where, const registry::Registry::Stored& stored) {
  if (stored.internal) return *stored.internal;
  if (stored.error && *stored.error == registry::RegistryError::kDenied) {
    return make_error(ErrorCode::kPermissionDenied, "{}", stored.message);
  }
  if (stored.error) return make_error(ErrorCode::kInvalidArgument, "{}: {}", where, stored.message);
  return Ok{};
}

// Blobs and child manifests a manifest needs, by digest.
struct Needs {
  std::vector<Digest> blobs;
  std::vector<Digest> children;
};

Needs needs_of(const oci::Manifest& m) {
  Needs n;
  if (m.config) n.blobs.push_back(m.config->digest);
  for (const auto& l : m.layers) {
    if (l.urls.empty()) n.blobs.push_back(l.digest);
  }
  for (const auto& c : m.manifests) n.children.push_back(c.digest);
  return n;
}

Status copy_manifest_local(const LocalRegistry& local, const std::string& from,
                           const std::string& digest, const std::string& to, const std::string& tag,
                           const std::string& user, int depth) {
  if (depth > 8) return make_error(ErrorCode::kCorrupt, "indexes nest deeper than 8 levels");
  auto record = local.metadata.get_manifest(from, digest);
  if (!record) return record.error();
  if (!*record) return make_error(ErrorCode::kNotFound, "{}@{} does not exist", from, digest);
  auto m = oci::parse_manifest((*record)->media_type, (*record)->content);
  if (!m) return m.error();
  auto needs = needs_of(*m);
  for (const auto& b : needs.blobs) PORTCULLIS_TRY(local.registry.link_blob(to, b));
  for (const auto& c : needs.children)
    PORTCULLIS_TRY(copy_manifest_local(local, from, c.str(), to, "", user, depth + 1));
  std::optional<std::string_view> t;
  if (!tag.empty()) t = tag;
  auto parsed = Digest::parse(digest);
  auto stored =
      local.registry.store_manifest(to, t, (*record)->media_type, std::move((*record)->content),
                                    parsed ? std::optional(*parsed) : std::nullopt, user, "");
  return refused(to + "@" + digest, stored);
}

}  // namespace

const char* const kManifestAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

Status copy_local(const LocalRegistry& local, const std::string& from, const std::string& digest,
                  const std::string& to, const std::string& tag, const std::string& user) {
  PORTCULLIS_TRY(copy_manifest_local(local, from, digest, to, tag, user, 0));
  // The referrers (OCI subject) and cosign's tags for this digest follow the image.
  auto referrers = local.metadata.referrers(from, digest);
  if (!referrers) return referrers.error();
  for (const auto& r : *referrers) {
    PORTCULLIS_TRY(copy_manifest_local(local, from, r.digest, to, "", user, 0));
  }
  auto parsed = Digest::parse(digest);
  if (!parsed) return parsed.error();
  for (const char* suffix : {".sig", ".att", ".sbom", ""}) {
    std::string t = "sha256-" + parsed->hex() + suffix;
    auto resolved = local.metadata.resolve_tag(from, t);
    if (!resolved) return resolved.error();
    if (*resolved) PORTCULLIS_TRY(copy_manifest_local(local, from, **resolved, to, t, user, 0));
  }
  return Ok{};
}

namespace {

Status fetch_blob(http::RegistryClient& upstream, const LocalRegistry& local, const std::string& to,
                  const Digest& digest) {
  if (local.registry.link_blob(to, digest)) return Ok{};  // already stored: a mount
  auto base = upstream.base();
  if (!base) return base.error();
  std::string url = *base + "/v2/" + upstream.endpoint().repository + "/blobs/" + digest.str();
  http::ClientOptions options;
  options.tls_verify = upstream.endpoint().tls_verify;
  for (int attempt = 0; attempt < 2; ++attempt) {
    http::ClientRequest request{"GET", url, upstream.auth_headers(), "", false};
    auto response = http::ResponseStream::open(request, options);
    if (!response) return response.error();
    if ((*response)->status() == 401 && attempt == 0) {
      PORTCULLIS_TRY(upstream.authenticate((*response)->header("www-authenticate")));
      continue;
    }
    if ((*response)->status() != 200) {
      return make_error(ErrorCode::kIo, "{}: blob {} gave HTTP {}", upstream.endpoint().location,
                        digest.str(), (*response)->status());
    }
    auto& stream = **response;
    return local.registry.put_blob_from(
        to, digest, [&stream](std::span<std::byte> buffer) { return stream.read(buffer); });
  }
  return make_error(ErrorCode::kPermissionDenied, "{}: authentication failed",
                    upstream.endpoint().location);
}

Result<std::string> copy_remote_manifest(http::RegistryClient& upstream,
                                         const std::string& reference, const LocalRegistry& local,
                                         const std::string& to, const std::string& tag,
                                         const std::string& user, int depth) {
  if (depth > 8) return make_error(ErrorCode::kCorrupt, "indexes nest deeper than 8 levels");
  const auto& repo = upstream.endpoint().repository;
  auto res = upstream.send(
      {"GET", "/v2/" + repo + "/manifests/" + reference, {{"Accept", kManifestAccept}}, "", false});
  if (!res) return res.error();
  if (res->status != 200) return upstream.http_error(*res, "manifest " + reference);
  std::string media_type(res->header("content-type"));
  if (auto semicolon = media_type.find(';'); semicolon != std::string::npos)
    media_type.resize(semicolon);
  auto expected = Digest::parse(reference);
  Digest digest = digest_of(res->body);
  if (expected && digest_of(res->body, expected->algorithm()) != *expected) {
    return make_error(ErrorCode::kCorrupt, "{}: manifest {} does not match its digest",
                      upstream.endpoint().location, reference);
  }
  auto m = oci::parse_manifest(media_type, res->body);
  if (!m) return m.error().context("{}: manifest {}", upstream.endpoint().location, reference);
  auto needs = needs_of(*m);
  for (const auto& b : needs.blobs) PORTCULLIS_TRY(fetch_blob(upstream, local, to, b));
  for (const auto& c : needs.children) {
    auto child = copy_remote_manifest(upstream, c.str(), local, to, "", user, depth + 1);
    if (!child) return child.error();
  }
  std::optional<std::string_view> t;
  if (!tag.empty()) t = tag;
  auto stored = local.registry.store_manifest(to, t, m->media_type, std::move(res->body),
                                              std::nullopt, user, "");
  PORTCULLIS_TRY(refused(to + ":" + tag, stored));
  return stored.digest.empty() ? digest.str() : stored.digest;
}

Status push_blob(const LocalRegistry& local, const Digest& digest, http::RegistryClient& remote) {
  const auto& repo = remote.endpoint().repository;
  auto head = remote.send({"HEAD", "/v2/" + repo + "/blobs/" + digest.str(), {}, "", false});
  if (!head) return head.error();
  if (head->status == 200) return Ok{};
  auto start = remote.send({"POST", "/v2/" + repo + "/blobs/uploads/", {}, "", true});
  if (!start) return start.error();
  if (start->status != 202) return remote.http_error(*start, "blob upload");
  std::string location(start->header("location"));
  if (location.empty()) return make_error(ErrorCode::kIo, "blob upload without a Location");
  location += (location.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") +
              percent_encode(digest.str());
  auto reader = local.blobs.open(digest);
  if (!reader) return reader.error();
  int64_t offset = 0;
  http::ClientRequest put{
      "PUT", location, {{"Content-Type", "application/octet-stream"}}, "", true};
  put.body_size = (*reader)->size();
  put.body_reader = [&](char* out, size_t size) -> std::optional<size_t> {
    auto n = (*reader)->read_at(offset, std::as_writable_bytes(std::span(out, size)));
    if (!n) return std::nullopt;
    offset += static_cast<int64_t>(*n);
    return *n;
  };
  auto done = remote.send(put);
  if (!done) return done.error();
  if (done->status != 201) return remote.http_error(*done, "blob " + digest.str());
  return Ok{};
}

Status push_manifest(const LocalRegistry& local, const std::string& from, const std::string& digest,
                     http::RegistryClient& remote, const std::string& tag, int depth) {
  if (depth > 8) return make_error(ErrorCode::kCorrupt, "indexes nest deeper than 8 levels");
  auto record = local.metadata.get_manifest(from, digest);
  if (!record) return record.error();
  if (!*record) return make_error(ErrorCode::kNotFound, "{}@{} does not exist", from, digest);
  auto m = oci::parse_manifest((*record)->media_type, (*record)->content);
  if (!m) return m.error();
  auto needs = needs_of(*m);
  for (const auto& b : needs.blobs) PORTCULLIS_TRY(push_blob(local, b, remote));
  for (const auto& c : needs.children)
    PORTCULLIS_TRY(push_manifest(local, from, c.str(), remote, "", depth + 1));
  std::string reference = tag.empty() ? digest : tag;
  auto put = remote.send({"PUT",
                          "/v2/" + remote.endpoint().repository + "/manifests/" + reference,
                          {{"Content-Type", (*record)->media_type}},
                          (*record)->content,
                          true});
  if (!put) return put.error();
  if (put->status != 201) return remote.http_error(*put, "manifest " + reference);
  return Ok{};
}

}  // namespace

Result<std::string> copy_from_remote(http::RegistryClient& upstream, const std::string& reference,
                                     const LocalRegistry& local, const std::string& to,
                                     const std::string& tag, const std::string& user) {
  return copy_remote_manifest(upstream, reference, local, to, tag, user, 0);
}

Status copy_to_remote(const LocalRegistry& local, const std::string& from,
                      const std::string& digest, http::RegistryClient& remote,
                      const std::string& tag) {
  return push_manifest(local, from, digest, remote, tag, 0);
}

}  // namespace portcullis::pipeline
