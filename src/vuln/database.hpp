// The vulnerability DB: one SQLite file carrying its own metadata (schema version, build time,
// each source with its snapshot date and record counts). Built from feeds by build_database
// into a temporary file that replaces the target only when complete; read by Database.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/sqlite.hpp"
#include "vuln/advisory.hpp"

namespace portcullis::vuln {

inline constexpr int kSchemaVersion = 2;

struct FeedSource {
  std::string name;  // how status and findings name it
  std::filesystem::path path;
  std::string url;            // where `db update` fetched it from, if it did
  std::string etag;           // the validators of that fetch, for the next conditional request
  std::string last_modified;  //
};

struct SourceInfo {
  std::string name;
  std::string location;  // the URL, else the path it was built from
  std::string kinds;     // formats found, comma-separated
  std::string snapshot;  // newest date in the data (RFC 3339); the files' mtime when it has none
  int64_t advisories = 0;
  int64_t withdrawn = 0;
  int64_t cvss = 0;
  int64_t known_exploited = 0;
  std::string etag;
  std::string last_modified;
};

struct DbMetadata {
  int schema_version = 0;
  std::string built_at;  // RFC 3339, UTC
  std::vector<SourceInfo> sources;
};

// Builds the DB from every source and atomically replaces `out`. `warn` receives notes
// (files in no known format). Errors name the feed file and field; `out` is then untouched.
Result<DbMetadata> build_database(const std::vector<FeedSource>& sources,
                                  const std::filesystem::path& out,
                                  const std::function<void(const std::string&)>& warn);

// One affected-package entry of an advisory, with the advisory it belongs to.
struct Candidate {
  Advisory advisory;  // `affected` holds just the matching entry
  std::string source;
};

class Database {
 public:
  // Errors: kNotFound when the file is missing; kInvalidArgument when it is not a portcullis DB
  // or has another schema version.
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& path);

  const DbMetadata& metadata() const { return metadata_; }
  Result<std::vector<Candidate>> candidates(std::string_view ecosystem, std::string_view package);
  Result<std::optional<CvssRecord>> cvss(std::string_view cve);
  Result<bool> known_exploited(std::string_view cve);
  // Whether any advisory covers the ecosystem (so "no findings" means something).
  Result<bool> has_ecosystem(std::string_view ecosystem);

 private:
  Database(std::unique_ptr<sqlite::Database> db, DbMetadata metadata)
      : db_(std::move(db)), metadata_(std::move(metadata)) {}
  std::unique_ptr<sqlite::Database> db_;
  DbMetadata metadata_;
};

// Where the DB lives unless --db or PORTCULLIS_DB say otherwise:
// $XDG_CACHE_HOME/portcullis/vuln.db, else ~/.cache/portcullis/vuln.db.
std::filesystem::path default_db_path();

}  // namespace portcullis::vuln
