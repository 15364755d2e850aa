// SQLite MetadataStore (WAL): a pool of connections, one per concurrent caller.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "base/sqlite.hpp"
#include "store/metadata_store.hpp"

namespace portcullis::store {

using sqlite::Database;
using sqlite::Statement;
using sqlite::Transaction;

class SqliteMetadataStore final : public MetadataStore {
 public:
  // Opens or creates the database and applies the numbered migrations in src/store/sql/.
  static Result<std::unique_ptr<SqliteMetadataStore>> open(const std::filesystem::path& path);

  Status link_blob(std::string_view repository, const Digest& digest, int64_t size) override;
  Result<std::optional<int64_t>> linked_blob(std::string_view repository,
                                             const Digest& digest) override;
  Result<std::vector<std::string>> repositories_with_blob(const Digest& digest) override;
  Result<bool> unlink_blob(std::string_view repository, const Digest& digest) override;
  Status put_manifest(std::string_view repository, const ManifestRecord& manifest,
                      const std::vector<ManifestReference>& references,
                      std::optional<std::string_view> tag) override;
  Result<std::optional<ManifestRecord>> get_manifest(std::string_view repository,
                                                     std::string_view digest) override;
  Result<std::optional<std::string>> resolve_tag(std::string_view repository,
                                                 std::string_view tag) override;
  Result<bool> delete_manifest(std::string_view repository, std::string_view digest) override;
  Result<bool> delete_tag(std::string_view repository, std::string_view tag) override;
  Result<bool> repository_exists(std::string_view repository) override;
  Result<std::vector<std::string>> repositories_with_manifest(std::string_view digest) override;
  Result<std::vector<std::string>> manifest_parents(std::string_view digest) override;
  Result<std::vector<TagTime>> tag_times(std::string_view repository) override;
  Result<std::vector<std::string>> untagged_manifests(std::string_view repository,
                                                      int64_t cutoff) override;
  Result<std::vector<std::string>> list_tags(std::string_view repository, std::string_view last,
                                             int64_t limit) override;
  Result<std::vector<std::string>> list_repositories(std::string_view last, int64_t limit) override;
  Result<std::vector<Referrer>> referrers(std::string_view repository,
                                          std::string_view subject) override;
  Status create_upload(const Upload& upload) override;
  Result<std::optional<Upload>> get_upload(std::string_view id) override;
  Status delete_upload(std::string_view id) override;
  Result<std::vector<Upload>> uploads_started_before(int64_t unix_seconds) override;
  Status put_user(const User& user) override;
  Result<std::optional<User>> get_user(std::string_view name) override;
  Result<std::vector<User>> list_users() override;
  Result<bool> delete_user(std::string_view name) override;
  Result<bool> put_attestor(std::string_view name, std::string_view document,
                            bool create_only) override;
  Result<std::optional<std::string>> get_attestor(std::string_view name) override;
  Result<std::vector<std::string>> list_attestors() override;
  Result<bool> delete_attestor(std::string_view name) override;
  Status put_grant(const Grant& grant) override;
  Result<bool> revoke_grant(std::string_view user, std::string_view scope) override;
  Result<std::vector<Grant>> grants_for(std::string_view user) override;
  Result<std::vector<std::string>> collect_unreferenced_blobs(int64_t cutoff) override;
  Result<std::vector<std::string>> known_blobs() override;
  Result<std::pair<int64_t, int64_t>> blob_totals() override;

 private:
  explicit SqliteMetadataStore(std::filesystem::path path) : path_(std::move(path)) {}

  // A pooled connection, returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(SqliteMetadataStore* owner, std::unique_ptr<Database> db)
        : owner_(owner), db_(std::move(db)) {}
    ~Lease();
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Database& operator*() { return *db_; }
    Database* operator->() { return db_.get(); }

   private:
    SqliteMetadataStore* owner_;
    std::unique_ptr<Database> db_;
  };
  Result<Lease> acquire();
  Status migrate();

  std::filesystem::path path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Database>> idle_;
};

}  // namespace portcullis::store
