// MetadataStore: repositories, tags, manifests and what they reference, referrers, uploads,
// users and grants. Handlers see only this interface; SQLite is the embedded default.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.hpp"
#include "base/result.hpp"

namespace portcullis::store {

struct ManifestRecord {
  std::string digest;
  std::string media_type;
  std::string content;           // the exact bytes the client pushed
  std::string artifact_type;     // effective artifact type (for referrers)
  std::string subject;           // digest of the subject, or empty
  std::string annotations_json;  // the manifest's annotations as a JSON object, or empty
};

// What a manifest points at: blobs (config, layers) and, for an index, child manifests.
struct ManifestReference {
  std::string digest;
  bool is_manifest = false;
  bool must_exist = true;  // false for foreign layers (descriptors with urls)
};

struct Referrer {
  std::string digest;
  std::string media_type;
  int64_t size = 0;
  std::string artifact_type;
  std::string annotations_json;
};

struct User {
  std::string name;
  std::string password_hash;  // argon2id, libsodium's crypto_pwhash_str format
  bool is_admin = false;
};

struct Grant {
  std::string user;
  std::string scope;    // a repository name, a namespace prefix ending in "/", or "*"
  std::string actions;  // comma-separated subset of pull,push,delete
};

struct Upload {
  std::string id;
  std::string repository;
  int64_t started_at = 0;
};

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // Blobs and their links to repositories.
  virtual Status link_blob(std::string_view repository, const Digest& digest, int64_t size) = 0;
  // The blob's size when it is linked into the repository.
  virtual Result<std::optional<int64_t>> linked_blob(std::string_view repository,
                                                     const Digest& digest) = 0;
  virtual Result<std::vector<std::string>> repositories_with_blob(const Digest& digest) = 0;
  virtual Result<bool> unlink_blob(std::string_view repository, const Digest& digest) = 0;

  // Stores a manifest after checking, in the same transaction, that every reference with
  // must_exist is linked in the repository; kNotFound names the first that is not. When `tag` is
  // given it now points at the manifest.
  virtual Status put_manifest(std::string_view repository, const ManifestRecord& manifest,
                              const std::vector<ManifestReference>& references,
                              std::optional<std::string_view> tag) = 0;
  virtual Result<std::optional<ManifestRecord>> get_manifest(std::string_view repository,
                                                             std::string_view digest) = 0;
  virtual Result<std::optional<std::string>> resolve_tag(std::string_view repository,
                                                         std::string_view tag) = 0;
  // Deletes the manifest and every tag pointing at it.
  virtual Result<bool> delete_manifest(std::string_view repository, std::string_view digest) = 0;
  virtual Result<bool> delete_tag(std::string_view repository, std::string_view tag) = 0;

  virtual Result<bool> repository_exists(std::string_view repository) = 0;
  // Repositories holding the manifest, by name.
  virtual Result<std::vector<std::string>> repositories_with_manifest(std::string_view digest) = 0;
  // Digests of the indexes (in any repository) that list the manifest as a child.
  virtual Result<std::vector<std::string>> manifest_parents(std::string_view digest) = 0;
  // Every tag of a repository with its digest and when it was last set, newest first.
  struct TagTime {
    std::string tag;
    std::string digest;
    int64_t updated_at = 0;
  };
  virtual Result<std::vector<TagTime>> tag_times(std::string_view repository) = 0;
  // Manifests no tag points at, no index in the repository lists and that are no referrer,
  // stored before `cutoff` (retention's untagged images).
  virtual Result<std::vector<std::string>> untagged_manifests(std::string_view repository,
                                                              int64_t cutoff) = 0;
  // Lexically ordered, after `last`, at most `limit` (limit < 0: all).
  virtual Result<std::vector<std::string>> list_tags(std::string_view repository,
                                                     std::string_view last, int64_t limit) = 0;
  virtual Result<std::vector<std::string>> list_repositories(std::string_view last,
                                                             int64_t limit) = 0;
  virtual Result<std::vector<Referrer>> referrers(std::string_view repository,
                                                  std::string_view subject) = 0;

  // Uploads in progress.
  virtual Status create_upload(const Upload& upload) = 0;
  virtual Result<std::optional<Upload>> get_upload(std::string_view id) = 0;
  virtual Status delete_upload(std::string_view id) = 0;
  virtual Result<std::vector<Upload>> uploads_started_before(int64_t unix_seconds) = 0;

  // Users and permissions.
  virtual Status put_user(const User& user) = 0;
  virtual Result<std::optional<User>> get_user(std::string_view name) = 0;
  virtual Result<std::vector<User>> list_users() = 0;
  virtual Result<bool> delete_user(std::string_view name) = 0;
  virtual Status put_grant(const Grant& grant) = 0;

  // Attestors by name, each a JSON document. put: false when `create_only` and it exists.
  virtual Result<bool> put_attestor(std::string_view name, std::string_view document,
                                    bool create_only) = 0;
  virtual Result<std::optional<std::string>> get_attestor(std::string_view name) = 0;
  virtual Result<std::vector<std::string>> list_attestors() = 0;  // documents, by name
  virtual Result<bool> delete_attestor(std::string_view name) = 0;
  virtual Result<bool> revoke_grant(std::string_view user, std::string_view scope) = 0;
  virtual Result<std::vector<Grant>> grants_for(std::string_view user) = 0;

  // Garbage collection: forgets every blob that no manifest references and that was last linked
  // before `cutoff`, in one transaction, and returns them; the caller then deletes their content.
  virtual Result<std::vector<std::string>> collect_unreferenced_blobs(int64_t cutoff) = 0;
  // Every blob digest that has a record (live content).
  virtual Result<std::vector<std::string>> known_blobs() = 0;
  virtual Result<std::pair<int64_t, int64_t>> blob_totals() = 0;  // count, bytes
};

int64_t unix_now();

}  // namespace portcullis::store
