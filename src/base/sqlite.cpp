// SQLite wrapper implementation.
#include "base/sqlite.hpp"

namespace portcullis::sqlite {

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (cached_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return make_error(rc == SQLITE_CONSTRAINT ? ErrorCode::kAlreadyExists : ErrorCode::kIo,
                    "sqlite: {}", sqlite3_errmsg(db_));
}

Status Statement::run() {
  for (;;) {
    auto more = step();
    if (!more) return more.error();
    if (!*more) return Ok{};
  }
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

namespace {

// Opens with `flags` (for `uri`: a path or a file: URI) and runs `pragmas`.
Result<std::unique_ptr<Database>> open_with(const std::string& uri, int flags,
                                            std::string_view pragmas, std::string_view what,
                                            const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(uri.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Database> db = Database::adopt(raw);
  if (rc != SQLITE_OK) {
    return make_error(ErrorCode::kIo, "{} {}: {}", what, path.string(),
                      raw ? sqlite3_errmsg(raw) : "out of memory");
  }
  sqlite3_busy_timeout(raw, 10000);
  if (!pragmas.empty()) {
    auto status = db->exec(pragmas);
    if (!status) return status.error().context("configuring {}", path.string());
  }
  return db;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& path) {
  // A commit is acknowledged to a client (201) only once it is on disk: synchronous=FULL.
  return open_with(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                   "open", path);
}

Result<std::unique_ptr<Database>> Database::open_for_bulk_load(const std::filesystem::path& path) {
  return open_with(path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                   "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;", "create", path);
}

Result<std::unique_ptr<Database>> Database::open_readonly(const std::filesystem::path& path) {
  // immutable=1: the file is never changed while open (DB updates replace it by rename), so
  // SQLite needs no locks and no -wal/-shm files beside it.
  return open_with("file:" + path.string() + "?immutable=1", SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                   "", "open", path);
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<Statement> Database::prepare_cached(std::string_view sql) {
  auto it = cache_.find(sql.data());
  if (it != cache_.end()) return Statement(db_, it->second, true);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return error("prepare");
  cache_.emplace(sql.data(), stmt);
  return Statement(db_, stmt, true);
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return error("prepare");
  return Statement(db_, stmt);
}

Status Database::exec(std::string_view sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    Error e(ErrorCode::kIo, std::string("sqlite: ") + (message ? message : sqlite3_errstr(rc)));
    sqlite3_free(message);
    return e;
  }
  return Ok{};
}

Error Database::error(std::string_view what) const {
  return make_error(ErrorCode::kIo, "sqlite {}: {}", what, sqlite3_errmsg(db_));
}

Result<Transaction> Transaction::begin(Database& db) {
  auto status = db.exec("BEGIN IMMEDIATE");
  if (!status) return status.error();
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
  auto status = db_->exec("COMMIT");
  if (status) db_ = nullptr;
  return status;
}

}  // namespace portcullis::sqlite
