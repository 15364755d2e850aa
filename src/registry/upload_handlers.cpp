// Blob uploads (distribution-spec "Pushing blobs"): POST to start, monolithic POST or PUT with
// ?digest=, chunked PATCH with Content-Range (416 when out of order), GET status, DELETE to
// cancel, and cross-repository mount (with or without ?from=).
#include <charconv>
#include <random>

#include "base/log.hpp"
#include "registry/errors.hpp"
#include "registry/registry.hpp"

namespace portcullis::registry {

std::string new_upload_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  uint64_t a = random();
  uint64_t b = random();
  // Shaped like a version 4 UUID.
  return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                     (b >> 48 & 0x3fff) | 0x8000, b & 0xffffffffffffULL);
}

namespace {

// Content-Range on PATCH is "<start>-<end>" (distribution-spec), optionally prefixed "bytes ".
std::optional<std::pair<int64_t, int64_t>> parse_content_range(std::string_view text) {
  if (text.starts_with("bytes ")) text.remove_prefix(6);
  auto slash = text.find('/');
  if (slash != std::string_view::npos) text = text.substr(0, slash);
  auto dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  int64_t first = 0;
  int64_t last = 0;
  auto a = std::from_chars(text.data(), text.data() + dash, first);
  auto b = std::from_chars(text.data() + dash + 1, text.data() + text.size(), last);
  if (a.ec != std::errc() || a.ptr != text.data() + dash || b.ec != std::errc() ||
      b.ptr != text.data() + text.size() || first < 0 || last < first) {
    return std::nullopt;
  }
  return std::make_pair(first, last);
}

}  // namespace

std::shared_ptr<Registry::UploadSession> Registry::session_for(const std::string& id) {
  std::lock_guard lock(sessions_mutex_);
  auto& session = sessions_[id];
  if (!session) session = std::make_shared<UploadSession>();
  return session;
}

void Registry::forget_session(const std::string& id) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(id);
}

http::Response Registry::upload_accepted(Call& call, const std::string& id, int64_t size,
                                         unsigned status) {
  http::Response res;
  res.status = status;
  res.set("Location", fmt::format("/v2/{}/blobs/uploads/{}", call.route.name, id));
  // Distribution reports an empty upload as "0-0"; the spec's form is 0-<last byte>.
  res.set("Range", fmt::format("0-{}", size > 0 ? size - 1 : 0));
  res.set("Docker-Upload-UUID", id);
  return res;
}

std::optional<http::Response> Registry::check_upload(Call& call, const std::string& id) {
  auto upload = metadata_.get_upload(id);
  if (!upload) return internal_error(call, upload.error());
  if (!*upload || (*upload)->repository != call.route.name) {
    return error_response(RegistryError::kBlobUploadUnknown,
                          fmt::format("upload {} is not in progress in repository {}",
                                      id.substr(0, 80), call.route.name));
  }
  return std::nullopt;
}

std::optional<http::Response> Registry::append_body(Call& call, const std::string& id,
                                                    UploadSession& session) {
  auto writer = blobs_.append_upload(id);
  if (!writer) return internal_error(call, writer.error());
  int64_t offset = (*writer)->size();
  std::string_view content_range = call.request.header(http::beast_http::field::content_range);
  if (!content_range.empty()) {
    auto range = parse_content_range(content_range);
    if (!range || range->first != offset) {
      // distribution-spec: "Pushing a blob in chunks", out-of-order chunks get 416.
      auto res =
          error_response(RegistryError::kRangeInvalid,
                         fmt::format("chunk range \"{}\" does not start at the upload's offset {}",
                                     content_range.substr(0, 100), offset));
      res.set("Location", fmt::format("/v2/{}/blobs/uploads/{}", call.route.name, id));
      res.set("Range", fmt::format("0-{}", offset > 0 ? offset - 1 : 0));
      res.set("Docker-Upload-UUID", id);
      return res;
    }
    auto length = call.request.body->content_length();
    if (length && static_cast<int64_t>(*length) != range->second - range->first + 1) {
      return error_response(RegistryError::kSizeInvalid,
                            fmt::format("Content-Range \"{}\" does not match Content-Length {}",
                                        content_range, *length));
    }
  }
  // Keep the running hash only while it has seen every byte of the upload.
  bool hashing = session.hashed == offset;
  std::vector<std::byte> buffer(1 << 17);
  for (;;) {
    auto n = call.request.body->read(buffer);
    if (!n) {
      log::warn("upload body interrupted", {{"upload", id}, {"error", n.error().message()}});
      return error_response(RegistryError::kBlobUploadInvalid, n.error().message());
    }
    if (*n == 0) break;
    auto chunk = std::span<const std::byte>(buffer.data(), *n);
    auto written = (*writer)->append(chunk);
    if (!written) return internal_error(call, written.error());
    if (hashing) {
      session.hasher.update(chunk);
      session.hashed += static_cast<int64_t>(*n);
    }
  }
  return std::nullopt;
}

http::Response Registry::finish_upload(Call& call, const std::string& id, const Digest& digest,
                                       UploadSession* session) {
  std::optional<Digest> known;
  if (session != nullptr) {
    auto size = blobs_.upload_size(id);
    if (size && *size == session->hashed && digest.algorithm() == DigestAlgorithm::kSha256) {
      known = session->hasher.finish();
    }
  }
  Result<int64_t> committed = int64_t{0};
  {
    auto held = commit_lock_.shared();
    committed = blobs_.commit_upload(id, digest, known ? &*known : nullptr);
    if (committed) {
      auto linked = metadata_.link_blob(call.route.name, digest, *committed);
      if (!linked) return internal_error(call, linked.error());
    }
  }
  (void)metadata_.delete_upload(id);
  forget_session(id);
  if (!committed) {
    (void)blobs_.remove_upload(id);
    if (committed.error().code() == ErrorCode::kInvalidArgument) {
      return error_response(RegistryError::kDigestInvalid, committed.error().message());
    }
    return internal_error(call, committed.error());
  }
  http::Response res;
  res.status = 201;
  res.set("Location", fmt::format("/v2/{}/blobs/{}", call.route.name, digest.str()));
  res.set("Docker-Content-Digest", digest.str());
  return res;
}

std::optional<http::Response> Registry::try_mount(Call& call, const Digest& digest) {
  std::vector<std::string> sources;
  if (auto from = call.request.query_param("from")) {
    sources.emplace_back(*from);
  } else {
    // Automatic mount (distribution-spec 1.1): any repository holding it that the caller can read.
    auto holders = metadata_.repositories_with_blob(digest);
    if (!holders) return internal_error(call, holders.error());
    sources = std::move(*holders);
  }
  for (const auto& source : sources) {
    if ((auth_.allowed(call.identity, source) & kPull) == 0) continue;
    auto linked = metadata_.linked_blob(source, digest);
    if (!linked) return internal_error(call, linked.error());
    if (!*linked) continue;
    auto held = commit_lock_.shared();
    auto present = blobs_.size_of(digest);
    if (!present) continue;
    auto status = metadata_.link_blob(call.route.name, digest, *present);
    if (!status) return internal_error(call, status.error());
    http::Response res;
    res.status = 201;
    res.set("Location", fmt::format("/v2/{}/blobs/{}", call.route.name, digest.str()));
    res.set("Docker-Content-Digest", digest.str());
    return res;
  }
  return std::nullopt;
}

http::Response Registry::start_upload(Call& call) {
  if (auto mount = call.request.query_param("mount")) {
    auto digest = Digest::parse(*mount);
    if (!digest) return error_response(RegistryError::kDigestInvalid, digest.error().message());
    if (auto mounted = try_mount(call, *digest)) return std::move(*mounted);
    // Not mountable: the spec says fall back to an ordinary upload session (202).
  }
  std::optional<Digest> monolithic;
  if (auto digest_param = call.request.query_param("digest")) {
    auto digest = Digest::parse(*digest_param);
    if (!digest) return error_response(RegistryError::kDigestInvalid, digest.error().message());
    monolithic = *digest;
  }
  std::string id = new_upload_id();
  auto created = blobs_.create_upload(id);
  if (!created) return internal_error(call, created.error());
  auto recorded = metadata_.create_upload(store::Upload{id, call.route.name, store::unix_now()});
  if (!recorded) return internal_error(call, recorded.error());
  if (!monolithic) {
    auto length = call.request.body->content_length();
    if (length && *length > 0) {
      return error_response(RegistryError::kBlobUploadInvalid, "a POST with a body needs ?digest=");
    }
    return upload_accepted(call, id, 0, 202);
  }
  auto session = session_for(id);
  std::lock_guard lock(session->mutex);
  if (auto failed = append_body(call, id, *session)) {
    (void)blobs_.remove_upload(id);
    (void)metadata_.delete_upload(id);
    forget_session(id);
    return std::move(*failed);
  }
  return finish_upload(call, id, *monolithic, session.get());
}

http::Response Registry::patch_upload(Call& call) {
  const std::string& id = call.route.reference;
  if (auto missing = check_upload(call, id)) return std::move(*missing);
  auto session = session_for(id);
  std::lock_guard lock(session->mutex);
  if (auto failed = append_body(call, id, *session)) return std::move(*failed);
  auto size = blobs_.upload_size(id);
  if (!size) return internal_error(call, size.error());
  return upload_accepted(call, id, *size, 202);
}

http::Response Registry::put_upload(Call& call) {
  const std::string& id = call.route.reference;
  if (auto missing = check_upload(call, id)) return std::move(*missing);
  auto digest_param = call.request.query_param("digest");
  if (!digest_param) {
    return error_response(RegistryError::kDigestInvalid, "closing an upload needs ?digest=");
  }
  auto digest = Digest::parse(*digest_param);
  if (!digest) return error_response(RegistryError::kDigestInvalid, digest.error().message());
  auto session = session_for(id);
  std::lock_guard lock(session->mutex);
  if (auto failed = append_body(call, id, *session)) return std::move(*failed);
  return finish_upload(call, id, *digest, session.get());
}

http::Response Registry::upload_status(Call& call) {
  const std::string& id = call.route.reference;
  if (auto missing = check_upload(call, id)) return std::move(*missing);
  auto size = blobs_.upload_size(id);
  if (!size) return internal_error(call, size.error());
  return upload_accepted(call, id, *size, 204);
}

http::Response Registry::cancel_upload(Call& call) {
  const std::string& id = call.route.reference;
  if (auto missing = check_upload(call, id)) return std::move(*missing);
  (void)blobs_.remove_upload(id);
  auto deleted = metadata_.delete_upload(id);
  if (!deleted) return internal_error(call, deleted.error());
  forget_session(id);
  http::Response res;
  res.status = 204;
  return res;
}

}  // namespace portcullis::registry
