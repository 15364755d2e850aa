// A thin RAII wrapper over SQLite: a connection, prepared statements, transactions.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"

namespace portcullis::sqlite {

class Statement {
 public:
  // A cached statement is reset, not finalized, when this handle goes away.
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool cached = false)
      : db_(db), stmt_(stmt), cached_(cached) {}
  ~Statement();
  Statement(Statement&& o) noexcept : db_(o.db_), stmt_(o.stmt_), cached_(o.cached_) {
    o.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind_null(int index);

  // Advances one row: true when a row is available, false when done.
  Result<bool> step();
  // Runs to completion, ignoring rows.
  Status run();

  // Steps through every row, turning each into a value with `make(statement)`.
  template <typename F>
  auto collect(F&& make) -> Result<std::vector<decltype(make(*this))>> {
    std::vector<decltype(make(*this))> out;
    for (;;) {
      auto row = step();
      if (!row) return row.error();
      if (!*row) return out;
      out.push_back(make(*this));
    }
  }

  std::string text(int column) const;
  int64_t integer(int column) const;
  double real(int column) const { return sqlite3_column_double(stmt_, column); }
  bool is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool cached_;
};

class Database {
 public:
  // Opens (creating) a database in WAL mode with a busy timeout, FULL synchronous commits and
  // foreign keys on.
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& path);
  // Creates a database for a one-shot bulk load into a temporary file that is renamed into place
  // only when complete: no journal and no syncs (a crash leaves only the temporary file).
  static Result<std::unique_ptr<Database>> open_for_bulk_load(const std::filesystem::path& path);
  // Opens an existing database file for reading only (nothing is written next to it).
  static Result<std::unique_ptr<Database>> open_readonly(const std::filesystem::path& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Result<Statement> prepare(std::string_view sql);
  // Prepares once per connection and reuses the statement; `sql` must outlive the connection
  // (a string literal).
  Result<Statement> prepare_cached(std::string_view sql);
  Status exec(std::string_view sql);
  int64_t changes() const { return sqlite3_changes64(db_); }
  int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

  Error error(std::string_view what) const;
  // Takes ownership of a connection opened elsewhere (the open functions).
  static std::unique_ptr<Database> adopt(sqlite3* db) {
    return std::unique_ptr<Database>(new Database(db));
  }

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  ~Transaction();
  Transaction(Transaction&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  Status commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace portcullis::sqlite
