// SQLite MetadataStore implementation.
#include "store/sqlite_metadata_store.hpp"

#include <chrono>
#include <string>
#include <utility>

namespace portcullis::store {
namespace {

struct Migration {
  int version;
  const char* sql;
};

#include "store/migrations.inc"  // defines kMigrations[] from src/store/sql/*.sql

Result<int64_t> repository_id(Database& db, std::string_view name) {
  auto stmt = db.prepare_cached("SELECT id FROM repositories WHERE name = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, name);
  auto row = stmt->step();
  if (!row) return row.error();
  return *row ? stmt->integer(0) : int64_t{-1};
}

Result<int64_t> ensure_repository(Database& db, std::string_view name) {
  auto insert = db.prepare_cached(
      "INSERT INTO repositories(name, created_at) VALUES(?, ?) ON CONFLICT(name) DO NOTHING");
  if (!insert) return insert.error();
  insert->bind(1, name).bind(2, unix_now());
  PORTCULLIS_TRY(insert->run());
  return repository_id(db, name);
}

}  // namespace

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

SqliteMetadataStore::Lease::~Lease() {
  if (db_ == nullptr) return;
  std::lock_guard lock(owner_->mutex_);
  owner_->idle_.push_back(std::move(db_));
}

Result<SqliteMetadataStore::Lease> SqliteMetadataStore::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  auto db = Database::open(path_);
  if (!db) return db.error();
  return Lease(this, std::move(*db));
}

Result<std::unique_ptr<SqliteMetadataStore>> SqliteMetadataStore::open(
    const std::filesystem::path& path) {
  std::unique_ptr<SqliteMetadataStore> store(new SqliteMetadataStore(path));
  auto migrated = store->migrate();
  if (!migrated) return migrated.error().context("migrating {}", path.string());
  return store;
}

Status SqliteMetadataStore::migrate() {
  auto db = acquire();
  if (!db) return db.error();
  PORTCULLIS_TRY((*db)->exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, applied_at "
      "INTEGER NOT NULL)"));
  for (const auto& migration : kMigrations) {
    auto tx = Transaction::begin(**db);
    if (!tx) return tx.error();
    auto check = (*db)->prepare_cached("SELECT 1 FROM schema_migrations WHERE version = ?");
    if (!check) return check.error();
    check->bind(1, int64_t{migration.version});
    auto applied = check->step();
    if (!applied) return applied.error();
    if (*applied) continue;
    auto status = (*db)->exec(migration.sql);
    if (!status) return status.error().context("migration {}", migration.version);
    auto record = (*db)->prepare_cached("INSERT INTO schema_migrations VALUES(?, ?)");
    if (!record) return record.error();
    record->bind(1, int64_t{migration.version}).bind(2, unix_now());
    PORTCULLIS_TRY(record->run());
    PORTCULLIS_TRY(tx->commit());
  }
  return Ok{};
}

Status SqliteMetadataStore::link_blob(std::string_view repository, const Digest& digest,
                                      int64_t size) {
  auto db = acquire();
  if (!db) return db.error();
  auto tx = Transaction::begin(**db);
  if (!tx) return tx.error();
  auto repo = ensure_repository(**db, repository);
  if (!repo) return repo.error();
  std::string d = digest.str();
  auto blob = (*db)->prepare_cached(
      "INSERT INTO blobs(digest, size, created_at) VALUES(?, ?, ?) ON CONFLICT DO NOTHING");
  if (!blob) return blob.error();
  blob->bind(1, d).bind(2, size).bind(3, unix_now());
  PORTCULLIS_TRY(blob->run());
  auto link = (*db)->prepare_cached(
      "INSERT INTO repository_blobs(repository_id, digest, linked_at) VALUES(?, ?, ?) "
      "ON CONFLICT DO UPDATE SET linked_at = excluded.linked_at");
  if (!link) return link.error();
  link->bind(1, *repo).bind(2, d).bind(3, unix_now());
  PORTCULLIS_TRY(link->run());
  return tx->commit();
}

Result<std::optional<int64_t>> SqliteMetadataStore::linked_blob(std::string_view repository,
                                                                const Digest& digest) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "SELECT b.size FROM repository_blobs l JOIN repositories r ON r.id = l.repository_id "
      "JOIN blobs b ON b.digest = l.digest WHERE r.name = ? AND l.digest = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, repository).bind(2, digest.str());
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>(stmt->integer(0));
}

Result<std::vector<std::string>> SqliteMetadataStore::repositories_with_blob(const Digest& digest) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "SELECT r.name FROM repository_blobs l JOIN repositories r ON r.id = l.repository_id "
      "WHERE l.digest = ? ORDER BY r.name");
  if (!stmt) return stmt.error();
  stmt->bind(1, digest.str());
  return stmt->collect([](Statement& s) { return s.text(0); });
}

Result<bool> SqliteMetadataStore::unlink_blob(std::string_view repository, const Digest& digest) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "DELETE FROM repository_blobs WHERE digest = ? AND repository_id = "
      "(SELECT id FROM repositories WHERE name = ?)");
  if (!stmt) return stmt.error();
  stmt->bind(1, digest.str()).bind(2, repository);
  PORTCULLIS_TRY(stmt->run());
  return (*db)->changes() > 0;
}

Status SqliteMetadataStore::put_manifest(std::string_view repository,
                                         const ManifestRecord& manifest,
                                         const std::vector<ManifestReference>& references,
                                         std::optional<std::string_view> tag) {
  auto db = acquire();
  if (!db) return db.error();
  auto tx = Transaction::begin(**db);
  if (!tx) return tx.error();
  auto repo = ensure_repository(**db, repository);
  if (!repo) return repo.error();
  for (const auto& ref : references) {
    if (!ref.must_exist) continue;
    auto check = (*db)->prepare_cached(
        ref.is_manifest ? "SELECT 1 FROM manifests WHERE repository_id = ? AND digest = ?"
                        : "SELECT 1 FROM repository_blobs WHERE repository_id = ? AND digest = ?");
    if (!check) return check.error();
    check->bind(1, *repo).bind(2, ref.digest);
    auto found = check->step();
    if (!found) return found.error();
    if (!*found) {
      return make_error(ErrorCode::kNotFound, "{} {} is not in repository {}",
                        ref.is_manifest ? "manifest" : "blob", ref.digest, repository);
    }
  }
  auto insert = (*db)->prepare_cached(
      "INSERT INTO manifests(repository_id, digest, media_type, content, artifact_type, subject, "
      "annotations, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING");
  if (!insert) return insert.error();
  insert->bind(1, *repo)
      .bind(2, manifest.digest)
      .bind(3, manifest.media_type)
      .bind(4, manifest.content)
      .bind(5, manifest.artifact_type)
      .bind(6, manifest.subject)
      .bind(7, manifest.annotations_json)
      .bind(8, unix_now());
  PORTCULLIS_TRY(insert->run());
  if ((*db)->changes() > 0) {
    for (const auto& ref : references) {
      auto stmt = (*db)->prepare_cached(
          "INSERT INTO manifest_references(repository_id, manifest_digest, digest, is_manifest) "
          "VALUES(?, ?, ?, ?) ON CONFLICT DO NOTHING");
      if (!stmt) return stmt.error();
      stmt->bind(1, *repo)
          .bind(2, manifest.digest)
          .bind(3, ref.digest)
          .bind(4, int64_t{ref.is_manifest});
      PORTCULLIS_TRY(stmt->run());
    }
  }
  if (tag) {
    auto tag_stmt = (*db)->prepare_cached(
        "INSERT INTO tags(repository_id, name, digest, updated_at) VALUES(?, ?, ?, ?) "
        "ON CONFLICT DO UPDATE SET digest = excluded.digest, updated_at = excluded.updated_at");
    if (!tag_stmt) return tag_stmt.error();
    tag_stmt->bind(1, *repo).bind(2, *tag).bind(3, manifest.digest).bind(4, unix_now());
    PORTCULLIS_TRY(tag_stmt->run());
  }
  return tx->commit();
}

Result<std::optional<ManifestRecord>> SqliteMetadataStore::get_manifest(std::string_view repository,
                                                                        std::string_view digest) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "SELECT m.media_type, m.content, m.artifact_type, m.subject, m.annotations FROM manifests m "
      "JOIN repositories r ON r.id = m.repository_id WHERE r.name = ? AND m.digest = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, repository).bind(2, digest);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<ManifestRecord>();
  return std::optional<ManifestRecord>(ManifestRecord{std::string(digest), stmt->text(0),
                                                      stmt->text(1), stmt->text(2), stmt->text(3),
                                                      stmt->text(4)});
}

Result<std::optional<std::string>> SqliteMetadataStore::resolve_tag(std::string_view repository,
                                                                    std::string_view tag) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "SELECT t.digest FROM tags t JOIN repositories r ON r.id = t.repository_id "
      "WHERE r.name = ? AND t.name = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, repository).bind(2, tag);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->text(0));
}

Result<bool> SqliteMetadataStore::delete_manifest(std::string_view repository,
                                                  std::string_view digest) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "DELETE FROM manifests WHERE digest = ? AND repository_id = "
      "(SELECT id FROM repositories WHERE name = ?)");
  if (!stmt) return stmt.error();
  stmt->bind(1, digest).bind(2, repository);
  PORTCULLIS_TRY(stmt->run());
  return (*db)->changes() > 0;
}

Result<bool> SqliteMetadataStore::delete_tag(std::string_view repository, std::string_view tag) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "DELETE FROM tags WHERE name = ? AND repository_id = "
      "(SELECT id FROM repositories WHERE name = ?)");
  if (!stmt) return stmt.error();
  stmt->bind(1, tag).bind(2, repository);
  PORTCULLIS_TRY(stmt->run());
  return (*db)->changes() > 0;
}

Result<bool> SqliteMetadataStore::repository_exists(std::string_view repository) {
  auto db = acquire();
  if (!db) return db.error();
  auto id = repository_id(**db, repository);
  if (!id) return id.error();
  return *id >= 0;
}

Result<std::vector<std::string>> SqliteMetadataStore::list_tags(std::string_view repository,
                                                                std::string_view last,
                                                                int64_t limit) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "SELECT t.name FROM tags t JOIN repositories r ON r.id = t.repository_id "
      "WHERE r.name = ? AND t.name > ? ORDER BY t.name LIMIT ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, repository).bind(2, last).bind(3, limit);
  return stmt->collect([](Statement& s) { return s.text(0); });
}

Result<std::vector<std::string>> SqliteMetadataStore::repositories_with_manifest(
    std::string_view digest) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "SELECT r.name FROM manifests m JOIN repositories r ON r.id = m.repository_id "
      "WHERE m.digest = ? ORDER BY r.name");
  if (!stmt) return stmt.error();
  stmt->bind(1, digest);
  return stmt->collect([](Statement& s) { return s.text(0); });
}

Result<std::vector<std::string>> SqliteMetadataStore::manifest_parents(std::string_view digest) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "SELECT DISTINCT manifest_digest FROM manifest_references WHERE digest = ? AND "
      "is_manifest = 1 ORDER BY manifest_digest");
  if (!stmt) return stmt.error();
  stmt->bind(1, digest);
  return stmt->collect([](Statement& s) { return s.text(0); });
}

Result<std::vector<MetadataStore::TagTime>> SqliteMetadataStore::tag_times(
    std::string_view repository) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "SELECT t.name, t.digest, t.updated_at FROM tags t JOIN repositories r "
      "ON r.id = t.repository_id WHERE r.name = ? ORDER BY t.updated_at DESC, t.name");
  if (!stmt) return stmt.error();
  stmt->bind(1, repository);
  return stmt->collect([](Statement& s) { return TagTime{s.text(0), s.text(1), s.integer(2)}; });
}

Result<std::vector<std::string>> SqliteMetadataStore::untagged_manifests(
    std::string_view repository, int64_t cutoff) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "SELECT m.digest FROM manifests m JOIN repositories r ON r.id = m.repository_id "
      "WHERE r.name = ? AND m.created_at < ? AND m.subject = '' "
      "AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.repository_id = m.repository_id "
      "AND t.digest = m.digest) "
      "AND NOT EXISTS (SELECT 1 FROM manifest_references x WHERE x.repository_id = "
      "m.repository_id AND x.digest = m.digest AND x.is_manifest = 1) ORDER BY m.digest");
  if (!stmt) return stmt.error();
  stmt->bind(1, repository).bind(2, cutoff);
  return stmt->collect([](Statement& s) { return s.text(0); });
}

Result<std::vector<std::string>> SqliteMetadataStore::list_repositories(std::string_view last,
                                                                        int64_t limit) {
  auto db = acquire();
  if (!db) return db.error();
  // A repository is listed while it holds a manifest (Distribution lists those with content).
  auto stmt = (*db)->prepare_cached(
      "SELECT name FROM repositories r WHERE name > ? AND EXISTS "
      "(SELECT 1 FROM manifests m WHERE m.repository_id = r.id) ORDER BY name LIMIT ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, last).bind(2, limit);
  return stmt->collect([](Statement& s) { return s.text(0); });
}

Result<std::vector<Referrer>> SqliteMetadataStore::referrers(std::string_view repository,
                                                             std::string_view subject) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "SELECT m.digest, m.media_type, length(m.content), m.artifact_type, m.annotations "
      "FROM manifests m JOIN repositories r ON r.id = m.repository_id "
      "WHERE r.name = ? AND m.subject = ? ORDER BY m.created_at, m.digest");
  if (!stmt) return stmt.error();
  stmt->bind(1, repository).bind(2, subject);
  return stmt->collect([](Statement& s) {
    return Referrer{s.text(0), s.text(1), s.integer(2), s.text(3), s.text(4)};
  });
}

Status SqliteMetadataStore::create_upload(const Upload& upload) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt =
      (*db)->prepare_cached("INSERT INTO uploads(id, repository, started_at) VALUES(?, ?, ?)");
  if (!stmt) return stmt.error();
  stmt->bind(1, upload.id).bind(2, upload.repository).bind(3, upload.started_at);
  return stmt->run();
}

Result<std::optional<Upload>> SqliteMetadataStore::get_upload(std::string_view id) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached("SELECT repository, started_at FROM uploads WHERE id = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Upload>();
  return std::optional<Upload>(Upload{std::string(id), stmt->text(0), stmt->integer(1)});
}

Status SqliteMetadataStore::delete_upload(std::string_view id) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached("DELETE FROM uploads WHERE id = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  return stmt->run();
}

Result<std::vector<Upload>> SqliteMetadataStore::uploads_started_before(int64_t unix_seconds) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt =
      (*db)->prepare_cached("SELECT id, repository, started_at FROM uploads WHERE started_at < ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, unix_seconds);
  return stmt->collect([](Statement& s) { return Upload{s.text(0), s.text(1), s.integer(2)}; });
}

Status SqliteMetadataStore::put_user(const User& user) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "INSERT INTO users(name, password_hash, is_admin, created_at) VALUES(?, ?, ?, ?) "
      "ON CONFLICT DO UPDATE SET password_hash = excluded.password_hash, "
      "is_admin = excluded.is_admin");
  if (!stmt) return stmt.error();
  stmt->bind(1, user.name)
      .bind(2, user.password_hash)
      .bind(3, int64_t{user.is_admin})
      .bind(4, unix_now());
  return stmt->run();
}

Result<std::optional<User>> SqliteMetadataStore::get_user(std::string_view name) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached("SELECT password_hash, is_admin FROM users WHERE name = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, name);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<User>();
  return std::optional<User>(User{std::string(name), stmt->text(0), stmt->integer(1) != 0});
}

Result<std::vector<User>> SqliteMetadataStore::list_users() {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached("SELECT name, is_admin FROM users ORDER BY name");
  if (!stmt) return stmt.error();
  return stmt->collect([](Statement& s) { return User{s.text(0), "", s.integer(1) != 0}; });
}

Result<bool> SqliteMetadataStore::delete_user(std::string_view name) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached("DELETE FROM users WHERE name = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, name);
  PORTCULLIS_TRY(stmt->run());
  return (*db)->changes() > 0;
}

Result<bool> SqliteMetadataStore::put_attestor(std::string_view name, std::string_view document,
                                               bool create_only) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      create_only ? "INSERT INTO attestors(name, document, updated_at) VALUES(?, ?, ?) "
                    "ON CONFLICT DO NOTHING"
                  : "INSERT INTO attestors(name, document, updated_at) VALUES(?, ?, ?) "
                    "ON CONFLICT DO UPDATE SET document = excluded.document, "
                    "updated_at = excluded.updated_at");
  if (!stmt) return stmt.error();
  stmt->bind(1, name).bind(2, document).bind(3, unix_now());
  PORTCULLIS_TRY(stmt->run());
  return (*db)->changes() > 0;
}

Result<std::optional<std::string>> SqliteMetadataStore::get_attestor(std::string_view name) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached("SELECT document FROM attestors WHERE name = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, name);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->text(0));
}

Result<std::vector<std::string>> SqliteMetadataStore::list_attestors() {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached("SELECT document FROM attestors ORDER BY name");
  if (!stmt) return stmt.error();
  return stmt->collect([](Statement& s) { return s.text(0); });
}

Result<bool> SqliteMetadataStore::delete_attestor(std::string_view name) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached("DELETE FROM attestors WHERE name = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, name);
  PORTCULLIS_TRY(stmt->run());
  return (*db)->changes() > 0;
}

Status SqliteMetadataStore::put_grant(const Grant& grant) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached(
      "INSERT INTO grants(user, scope, actions) VALUES(?, ?, ?) "
      "ON CONFLICT DO UPDATE SET actions = excluded.actions");
  if (!stmt) return stmt.error();
  stmt->bind(1, grant.user).bind(2, grant.scope).bind(3, grant.actions);
  auto status = stmt->run();
  if (!status) return status.error().context("granting {} to {}", grant.scope, grant.user);
  return status;
}

Result<bool> SqliteMetadataStore::revoke_grant(std::string_view user, std::string_view scope) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached("DELETE FROM grants WHERE user = ? AND scope = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, user).bind(2, scope);
  PORTCULLIS_TRY(stmt->run());
  return (*db)->changes() > 0;
}

Result<std::vector<Grant>> SqliteMetadataStore::grants_for(std::string_view user) {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt =
      (*db)->prepare_cached("SELECT scope, actions FROM grants WHERE user = ? ORDER BY scope");
  if (!stmt) return stmt.error();
  stmt->bind(1, user);
  return stmt->collect([user](Statement& s) {
    return Grant{std::string(user), s.text(0), s.text(1)};
  });
}

Result<std::vector<std::string>> SqliteMetadataStore::collect_unreferenced_blobs(int64_t cutoff) {
  auto db = acquire();
  if (!db) return db.error();
  auto tx = Transaction::begin(**db);
  if (!tx) return tx.error();
  // Unreferenced: no manifest in any repository points at it, and no repository linked it after
  // the cutoff (a push in flight has linked its layers but not yet put its manifest).
  auto select = (*db)->prepare_cached(
      "SELECT b.digest FROM blobs b WHERE b.created_at < ?1 "
      "AND NOT EXISTS (SELECT 1 FROM manifest_references r WHERE r.digest = b.digest) "
      "AND NOT EXISTS (SELECT 1 FROM repository_blobs l WHERE l.digest = b.digest "
      "AND l.linked_at >= ?1)");
  if (!select) return select.error();
  select->bind(1, cutoff);
  auto collected = select->collect([](Statement& s) { return s.text(0); });
  if (!collected) return collected.error();
  std::vector<std::string> out = std::move(*collected);
  for (const auto& digest : out) {
    auto del = (*db)->prepare_cached("DELETE FROM blobs WHERE digest = ?");
    if (!del) return del.error();
    del->bind(1, digest);
    PORTCULLIS_TRY(del->run());
  }
  PORTCULLIS_TRY(tx->commit());
  return out;
}

Result<std::vector<std::string>> SqliteMetadataStore::known_blobs() {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached("SELECT digest FROM blobs");
  if (!stmt) return stmt.error();
  return stmt->collect([](Statement& s) { return s.text(0); });
}

Result<std::pair<int64_t, int64_t>> SqliteMetadataStore::blob_totals() {
  auto db = acquire();
  if (!db) return db.error();
  auto stmt = (*db)->prepare_cached("SELECT count(*), coalesce(sum(size), 0) FROM blobs");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  return std::make_pair(stmt->integer(0), stmt->integer(1));
}

}  // namespace portcullis::store
