// Building and reading the vulnerability DB file.
#include "vuln/database.hpp"

#include <fmt/chrono.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "base/json_text.hpp"
#include "base/time_text.hpp"
#include "vuln/feed.hpp"

namespace portcullis::vuln {
namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE source(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, location TEXT NOT NULL,
  kinds TEXT NOT NULL, snapshot TEXT NOT NULL, advisories INTEGER NOT NULL,
  withdrawn INTEGER NOT NULL, cvss INTEGER NOT NULL, known_exploited INTEGER NOT NULL,
  etag TEXT NOT NULL, last_modified TEXT NOT NULL);
CREATE TABLE advisory(id INTEGER PRIMARY KEY, name TEXT NOT NULL, source INTEGER NOT NULL,
  summary TEXT NOT NULL, severity TEXT NOT NULL, cvss_vector TEXT NOT NULL, cvss_score REAL,
  aliases TEXT NOT NULL, published TEXT NOT NULL);
-- ranges: JSON [[["introduced","0"],["fixed","1.2.3"]], ...]; versions: JSON list.
CREATE TABLE affected(advisory INTEGER NOT NULL, ecosystem TEXT NOT NULL, package TEXT NOT NULL,
  ranges TEXT NOT NULL, versions TEXT NOT NULL, severity TEXT NOT NULL);
CREATE TABLE cvss(cve TEXT PRIMARY KEY, vector TEXT NOT NULL, score REAL NOT NULL);
CREATE TABLE kev(cve TEXT PRIMARY KEY, date_added TEXT NOT NULL);
)sql";

constexpr std::string_view kIndexes = R"sql(
CREATE INDEX affected_by_package ON affected(ecosystem, package);
)sql";

constexpr std::array<std::string_view, 4> kEventNames = {"introduced", "fixed", "last_affected",
                                                         "limit"};

std::string encode_ranges(const std::vector<Range>& ranges) {
  auto out = nlohmann::json::array();
  for (const auto& r : ranges) {
    auto events = nlohmann::json::array();
    for (const auto& e : r.events) {
      events.push_back({kEventNames[static_cast<size_t>(e.kind)], e.version});
    }
    out.push_back(std::move(events));
  }
  return to_json_text(out);
}

std::vector<Range> decode_ranges(std::string_view text) {
  std::vector<Range> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& r : j) {
    Range range;
    for (const auto& e : r) {
      auto name = e.at(0).get<std::string>();
      for (size_t k = 0; k < kEventNames.size(); ++k) {
        if (kEventNames[k] == name) {
          range.events.push_back({static_cast<Event::Kind>(k), e.at(1).get<std::string>()});
        }
      }
    }
    out.push_back(std::move(range));
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  return to_json_text(nlohmann::json(items));
}

std::vector<std::string> split(std::string_view json_list) {
  auto j = nlohmann::json::parse(json_list, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& v : j) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

// Writes one source's records as the importers hand them over.
class Writer final : public FeedSink {
 public:
  Writer(sqlite::Database& db, int64_t source) : db_(db), source_(source) {}

  void add(Advisory a) override {
    if (!status_) return;
    auto insert = db_.prepare_cached(
        "INSERT INTO advisory(name, source, summary, severity, cvss_vector, cvss_score, aliases, "
        "published) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!insert) return fail(insert.error());
    insert->bind(1, a.id).bind(2, source_).bind(3, a.summary).bind(4, a.severity);
    insert->bind(5, a.cvss_vector);
    if (a.cvss_score >= 0) {
      insert->bind(6, a.cvss_score);
    } else {
      insert->bind_null(6);
    }
    insert->bind(7, join(a.aliases)).bind(8, a.published);
    if (auto s = insert->run(); !s) return fail(s.error());
    int64_t id = db_.last_insert_rowid();
    for (const auto& af : a.affected) {
      auto row = db_.prepare_cached(
          "INSERT INTO affected(advisory, ecosystem, package, ranges, versions, severity) "
          "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
      if (!row) return fail(row.error());
      row->bind(1, id).bind(2, af.ecosystem).bind(3, af.package).bind(4, encode_ranges(af.ranges));
      row->bind(5, join(af.versions)).bind(6, af.severity);
      if (auto s = row->run(); !s) return fail(s.error());
    }
    ++info.advisories;
  }

  void add(CvssRecord r) override {
    if (!status_) return;
    auto insert =
        db_.prepare_cached("INSERT OR REPLACE INTO cvss(cve, vector, score) VALUES(?1, ?2, ?3)");
    if (!insert) return fail(insert.error());
    insert->bind(1, r.cve).bind(2, r.vector).bind(3, r.score);
    if (auto s = insert->run(); !s) return fail(s.error());
    ++info.cvss;
  }

  void add(KevRecord r) override {
    if (!status_) return;
    auto insert = db_.prepare_cached("INSERT OR REPLACE INTO kev(cve, date_added) VALUES(?1, ?2)");
    if (!insert) return fail(insert.error());
    insert->bind(1, r.cve).bind(2, r.date_added);
    if (auto s = insert->run(); !s) return fail(s.error());
    ++info.known_exploited;
  }

  void withdrawn(std::string_view) override { ++info.withdrawn; }

  // Dates are kept as "YYYY-MM-DDTHH:MM:SSZ"; placeholders (Go's vulndb writes
  // 0001-01-01T00:00:00Z in its files) are ignored.
  void snapshot(std::string_view date) override {
    if (date.size() < 19 || date < "1990") return;
    std::string normalized = std::string(date.substr(0, 19)) + "Z";
    if (normalized > info.snapshot) info.snapshot = normalized;
  }

  const Status& status() const { return status_; }
  SourceInfo info;

 private:
  void fail(Error e) { status_ = std::move(e); }
  sqlite::Database& db_;
  int64_t source_;
  Status status_ = Ok{};
};

Status write_source(sqlite::Database& db, const SourceInfo& s) {
  auto update = db.prepare(
      "UPDATE source SET kinds = ?2, snapshot = ?3, advisories = ?4, withdrawn = ?5, cvss = ?6, "
      "known_exploited = ?7 WHERE name = ?1");
  if (!update) return update.error();
  update->bind(1, s.name).bind(2, s.kinds).bind(3, s.snapshot).bind(4, s.advisories);
  update->bind(5, s.withdrawn).bind(6, s.cvss).bind(7, s.known_exploited);
  return update->run();
}

Result<DbMetadata> read_metadata(sqlite::Database& db, const std::filesystem::path& path) {
  DbMetadata m;
  auto meta = db.prepare("SELECT key, value FROM meta");
  if (!meta) {
    return make_error(ErrorCode::kInvalidArgument, "{}: not a portcullis vulnerability DB ({})",
                      path.string(), meta.error().message());
  }
  auto rows = meta->collect([](sqlite::Statement& s) {
    return std::pair<std::string, std::string>(s.text(0), s.text(1));
  });
  if (!rows) return rows.error().context("{}", path.string());
  for (const auto& [k, v] : *rows) {
    if (k == "schema_version") m.schema_version = std::atoi(v.c_str());
    if (k == "built_at") m.built_at = v;
  }
  if (m.schema_version != kSchemaVersion) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: DB schema version {} (this portcullis reads {}); rebuild it with "
                      "`portcullis db build` or `db update`",
                      path.string(), m.schema_version, kSchemaVersion);
  }
  auto sources = db.prepare(
      "SELECT name, location, kinds, snapshot, advisories, withdrawn, cvss, known_exploited, "
      "etag, last_modified FROM source ORDER BY name");
  if (!sources) return sources.error().context("{}", path.string());
  auto list = sources->collect([](sqlite::Statement& s) {
    return SourceInfo{s.text(0),    s.text(1),    s.text(2),    s.text(3), s.integer(4),
                      s.integer(5), s.integer(6), s.integer(7), s.text(8), s.text(9)};
  });
  if (!list) return list.error().context("{}", path.string());
  m.sources = std::move(*list);
  return m;
}

}  // namespace

Result<DbMetadata> build_database(const std::vector<FeedSource>& sources,
                                  const std::filesystem::path& out,
                                  const std::function<void(const std::string&)>& warn) {
  if (sources.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "no feeds given: nothing to build from");
  }
  auto dir = out.parent_path().empty() ? std::filesystem::path(".") : out.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto temp = dir / fmt::format(".{}.{}.tmp", out.filename().string(), getpid());
  std::filesystem::remove(temp, ec);
  struct Cleanup {
    std::filesystem::path path;
    bool keep = false;
    ~Cleanup() {
      std::error_code e;
      if (!keep) std::filesystem::remove(path, e);
    }
  } cleanup{temp};
  {
    auto db = sqlite::Database::open_for_bulk_load(temp);
    if (!db) return db.error();
    auto& d = **db;
    if (auto s = d.exec(kSchema); !s) return s.error();
    auto tx = sqlite::Transaction::begin(d);
    if (!tx) return tx.error();
    for (const auto& source : sources) {
      auto insert = d.prepare(
          "INSERT INTO source(name, location, kinds, snapshot, advisories, withdrawn, cvss, "
          "known_exploited, etag, last_modified) VALUES(?1, ?2, '', '', 0, 0, 0, 0, ?3, ?4)");
      if (!insert) return insert.error();
      insert->bind(1, source.name)
          .bind(2, source.url.empty() ? source.path.string() : source.url)
          .bind(3, source.etag)
          .bind(4, source.last_modified);
      if (auto s = insert->run(); !s) {
        return s.error().context("source {} given twice", source.name);
      }
      Writer writer(d, d.last_insert_rowid());
      auto summary = import_path(source.path, writer);
      if (!summary) return summary.error().context("feed {}", source.name);
      if (!writer.status()) return writer.status().error().context("feed {}", source.name);
      for (const auto& skipped : summary->skipped) {
        warn(fmt::format("{}: not in a known feed format, skipped", skipped));
      }
      if (summary->files == 0) {
        return make_error(ErrorCode::kInvalidArgument, "feed {} ({}): no advisory files found",
                          source.name, source.path.string());
      }
      writer.info.name = source.name;
      writer.info.kinds = fmt::format("{}", fmt::join(summary->kinds, ","));
      if (writer.info.snapshot.empty()) writer.info.snapshot = summary->newest_file_time;
      if (auto s = write_source(d, writer.info); !s) return s.error();
    }
    if (auto s = d.exec(kIndexes); !s) return s.error();
    auto meta = d.prepare(
        "INSERT INTO meta(key, value) VALUES('schema_version', ?1), "
        "('built_at', ?2)");
    if (!meta) return meta.error();
    meta->bind(1, static_cast<int64_t>(kSchemaVersion)).bind(2, now_rfc3339());
    if (auto s = meta->run(); !s) return s.error();
    if (auto s = tx->commit(); !s) return s.error();
    if (auto s = d.exec("VACUUM"); !s) return s.error();
  }
  if (auto s = fsync_file(temp); !s) return s.error();
  std::filesystem::rename(temp, out, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "rename {} to {}: {}", temp.string(), out.string(),
                      ec.message());
  }
  cleanup.keep = true;
  if (auto s = fsync_directory(dir); !s) return s.error();
  auto db = Database::open(out);
  if (!db) return db.error();
  return (*db)->metadata();
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return make_error(ErrorCode::kNotFound,
                      "vulnerability DB {} not found: build one with `portcullis db build` or "
                      "fetch one with `portcullis db update`",
                      path.string());
  }
  auto db = sqlite::Database::open_readonly(path);
  if (!db) return db.error();
  auto metadata = read_metadata(**db, path);
  if (!metadata) return metadata.error();
  return std::unique_ptr<Database>(new Database(std::move(*db), std::move(*metadata)));
}

Result<std::vector<Candidate>> Database::candidates(std::string_view ecosystem,
                                                    std::string_view package) {
  auto q = db_->prepare_cached(
      "SELECT a.name, a.summary, a.severity, a.cvss_vector, a.cvss_score, a.aliases, f.ranges, "
      "f.versions, f.severity, s.name, a.published FROM affected f JOIN advisory a ON a.id = "
      "f.advisory "
      "JOIN source s ON s.id = a.source WHERE f.ecosystem = ?1 AND f.package = ?2");
  if (!q) return q.error();
  q->bind(1, ecosystem).bind(2, package);
  return q->collect([&](sqlite::Statement& s) {
    Candidate c;
    c.advisory.id = s.text(0);
    c.advisory.summary = s.text(1);
    c.advisory.severity = s.text(2);
    c.advisory.cvss_vector = s.text(3);
    c.advisory.cvss_score = s.is_null(4) ? -1 : s.real(4);
    c.advisory.aliases = split(s.text(5));
    Affected af;
    af.ecosystem = ecosystem;
    af.package = package;
    af.ranges = decode_ranges(s.text(6));
    af.versions = split(s.text(7));
    af.severity = s.text(8);
    c.advisory.affected.push_back(std::move(af));
    c.source = s.text(9);
    c.advisory.published = s.text(10);
    return c;
  });
}

Result<std::optional<CvssRecord>> Database::cvss(std::string_view cve) {
  auto q = db_->prepare_cached("SELECT vector, score FROM cvss WHERE cve = ?1");
  if (!q) return q.error();
  q->bind(1, cve);
  auto row = q->step();
  if (!row) return row.error();
  if (!*row) return std::optional<CvssRecord>();
  return std::optional<CvssRecord>(CvssRecord{std::string(cve), q->text(0), q->real(1)});
}

Result<bool> Database::known_exploited(std::string_view cve) {
  auto q = db_->prepare_cached("SELECT 1 FROM kev WHERE cve = ?1");
  if (!q) return q.error();
  q->bind(1, cve);
  return q->step();
}

Result<bool> Database::has_ecosystem(std::string_view ecosystem) {
  auto q = db_->prepare_cached("SELECT 1 FROM affected WHERE ecosystem = ?1 LIMIT 1");
  if (!q) return q.error();
  q->bind(1, ecosystem);
  return q->step();
}

std::filesystem::path default_db_path() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "portcullis" / "vuln.db";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / ".cache" / "portcullis" / "vuln.db";
  }
  return ".portcullis-cache/vuln.db";
}

}  // namespace portcullis::vuln
