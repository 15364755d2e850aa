// PipelineStore over SQLite.
#include "pipeline/pipeline_store.hpp"

#include <algorithm>
#include <chrono>

#include "base/json_text.hpp"

namespace portcullis::pipeline {
namespace {

using sqlite::Statement;

constexpr std::string_view kSchema = R"(
CREATE TABLE IF NOT EXISTS scan_jobs (
  id INTEGER PRIMARY KEY,
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  tag TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  enqueued_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS scan_jobs_pending ON scan_jobs(repository, digest)
  WHERE state IN ('queued', 'running');
CREATE INDEX IF NOT EXISTS scan_jobs_state ON scan_jobs(state, id);
CREATE TABLE IF NOT EXISTS scans (
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  tag TEXT NOT NULL DEFAULT '',
  job_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  passed INTEGER NOT NULL,
  summary TEXT NOT NULL,
  report TEXT NOT NULL,
  inventory TEXT NOT NULL,
  sbom_digest TEXT NOT NULL DEFAULT '',
  report_digest TEXT NOT NULL DEFAULT '',
  db_built_at TEXT NOT NULL DEFAULT '',
  scanned_at INTEGER NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (repository, digest)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  action TEXT NOT NULL,
  actor TEXT NOT NULL,
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  tag TEXT NOT NULL,
  rule TEXT NOT NULL,
  result TEXT NOT NULL,
  reason TEXT NOT NULL,
  remote TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_time ON audit(time);
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL,
  webhook TEXT NOT NULL,
  event TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL,
  last_status INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  delivered_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(state, next_attempt);
CREATE TABLE IF NOT EXISTS mirror_tags (
  mirror TEXT NOT NULL,
  tag TEXT NOT NULL,
  digest TEXT NOT NULL,
  mirrored_at INTEGER NOT NULL,
  PRIMARY KEY (mirror, tag)
) WITHOUT ROWID;
)";

nlohmann::json parse_or(const std::string& text, const nlohmann::json& fallback) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

constexpr std::string_view kScanColumns =
    "repository, digest, tag, job_id, status, passed, summary, report, inventory, sbom_digest, "
    "report_digest, db_built_at, scanned_at, error";

ScanRecord scan_from(Statement& s) {
  ScanRecord r;
  r.repository = s.text(0);
  r.digest = s.text(1);
  r.tag = s.text(2);
  r.job_id = s.integer(3);
  r.status = s.text(4);
  r.passed = s.integer(5) != 0;
  r.summary = parse_or(s.text(6), nlohmann::json::object());
  r.report = parse_or(s.text(7), nlohmann::json::object());
  r.inventory = parse_or(s.text(8), nullptr);
  r.sbom_digest = s.text(9);
  r.report_digest = s.text(10);
  r.db_built_at = s.text(11);
  r.scanned_at = s.integer(12);
  r.error = s.text(13);
  return r;
}

ScanJob job_from(Statement& s) {
  return ScanJob{s.integer(0), s.text(1), s.text(2),
                 s.text(3),    s.text(4), static_cast<int>(s.integer(5)),
                 s.integer(6)};
}

Delivery delivery_from(Statement& s) {
  Delivery d;
  d.id = s.integer(0);
  d.event_id = s.integer(1);
  d.webhook = s.text(2);
  d.event = s.text(3);
  d.body = s.text(4);
  d.state = s.text(5);
  d.attempts = static_cast<int>(s.integer(6));
  d.next_attempt = s.integer(7);
  d.last_status = static_cast<int>(s.integer(8));
  d.last_error = s.text(9);
  d.created_at = s.integer(10);
  d.delivered_at = s.integer(11);
  return d;
}

}  // namespace

int64_t unix_time() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<PipelineStore>> PipelineStore::open(const std::filesystem::path& path,
                                                           std::vector<WebhookTarget> webhooks) {
  auto db = sqlite::Database::open(path);
  if (!db) return db.error();
  PORTCULLIS_TRY((*db)->exec(kSchema));
  std::unique_ptr<PipelineStore> store(new PipelineStore());
  store->db_ = std::move(*db);
  store->webhooks_ = std::move(webhooks);
  return store;
}

template <typename F>
Status PipelineStore::transaction(F&& body) {
  PORTCULLIS_TRY(db_->exec("BEGIN IMMEDIATE"));
  Status status = body();
  if (!status) {
    (void)db_->exec("ROLLBACK");
    return status;
  }
  return db_->exec("COMMIT");
}

Result<bool> PipelineStore::enqueue_scan(const ScanJob& job) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached(
      "INSERT INTO scan_jobs(repository, digest, tag, reason, state, enqueued_at) "
      "VALUES(?, ?, ?, ?, 'queued', ?) ON CONFLICT DO NOTHING");
  if (!stmt) return stmt.error();
  stmt->bind(1, job.repository).bind(2, job.digest).bind(3, job.tag).bind(4, job.reason);
  stmt->bind(5, job.enqueued_at != 0 ? job.enqueued_at : unix_time());
  PORTCULLIS_TRY(stmt->run());
  return db_->changes() > 0;
}

Result<std::optional<ScanJob>> PipelineStore::claim_scan() {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached(
      "UPDATE scan_jobs SET state = 'running', attempts = attempts + 1, started_at = ? "
      "WHERE id = (SELECT id FROM scan_jobs WHERE state = 'queued' ORDER BY id LIMIT 1) "
      "RETURNING id, repository, digest, tag, reason, attempts, enqueued_at");
  if (!stmt) return stmt.error();
  stmt->bind(1, unix_time());
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<ScanJob>();
  auto job = job_from(*stmt);
  (void)stmt->step();
  return std::optional<ScanJob>(std::move(job));
}

Result<int64_t> PipelineStore::requeue_running() {
  std::lock_guard lock(mutex_);
  PORTCULLIS_TRY(db_->exec("UPDATE scan_jobs SET state = 'queued' WHERE state = 'running'"));
  return db_->changes();
}

Status PipelineStore::insert_event(const Event& e) {
  auto stmt = db_->prepare_cached(
      "INSERT INTO audit(time, action, actor, repository, digest, tag, rule, result, reason, "
      "remote, detail) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  int64_t time = e.time != 0 ? e.time : unix_time();
  stmt->bind(1, time).bind(2, e.action).bind(3, e.actor).bind(4, e.repository).bind(5, e.digest);
  stmt->bind(6, e.tag).bind(7, e.rule).bind(8, e.result).bind(9, e.reason).bind(10, e.remote);
  stmt->bind(11, to_json_text(e.detail));
  PORTCULLIS_TRY(stmt->run());
  int64_t id = db_->last_insert_rowid();
  // Webhooks carry the pipeline's events; logins, attestor changes and admission decisions are
  // for the audit log only.
  const auto& deliverable = event_names();
  if (std::find(deliverable.begin(), deliverable.end(), e.action) == deliverable.end()) {
    return Ok{};
  }
  for (const auto& hook : webhooks_) {
    if (!hook.events.empty() &&
        std::find(hook.events.begin(), hook.events.end(), e.action) == hook.events.end()) {
      continue;
    }
    nlohmann::json body = {{"id", id},
                           {"action", e.action},
                           {"time", time},
                           {"actor", e.actor},
                           {"repository", e.repository},
                           {"digest", e.digest},
                           {"tag", e.tag},
                           {"rule", e.rule},
                           {"result", e.result},
                           {"reason", e.reason},
                           {"detail", e.detail}};
    auto d = db_->prepare_cached(
        "INSERT INTO deliveries(event_id, webhook, event, body, state, next_attempt, created_at) "
        "VALUES(?, ?, ?, ?, 'pending', ?, ?)");
    if (!d) return d.error();
    d->bind(1, id).bind(2, hook.name).bind(3, e.action).bind(4, to_json_text(body));
    d->bind(5, time).bind(6, time);
    PORTCULLIS_TRY(d->run());
  }
  return Ok{};
}

Status PipelineStore::record(const Event& event) {
  std::lock_guard lock(mutex_);
  return transaction([&] { return insert_event(event); });
}

Status PipelineStore::finish_scan(const ScanJob& job, const ScanRecord& r,
                                  const std::vector<Event>& events) {
  std::lock_guard lock(mutex_);
  return transaction([&]() -> Status {
    auto done = db_->prepare_cached(
        "UPDATE scan_jobs SET state = 'scanned', finished_at = ? WHERE id = ? AND state = "
        "'running'");
    if (!done) return done.error();
    done->bind(1, unix_time()).bind(2, job.id);
    PORTCULLIS_TRY(done->run());
    if (db_->changes() == 0) {
      return make_error(ErrorCode::kInternal, "scan job {} is not running", job.id);
    }
    auto put = db_->prepare_cached(
        "INSERT OR REPLACE INTO scans(repository, digest, tag, job_id, status, passed, summary, "
        "report, inventory, sbom_digest, report_digest, db_built_at, scanned_at, error) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!put) return put.error();
    put->bind(1, r.repository).bind(2, r.digest).bind(3, r.tag).bind(4, r.job_id);
    put->bind(5, r.status).bind(6, int64_t{r.passed ? 1 : 0}).bind(7, to_json_text(r.summary));
    put->bind(8, to_json_text(r.report)).bind(9, to_json_text(r.inventory));
    put->bind(10, r.sbom_digest).bind(11, r.report_digest).bind(12, r.db_built_at);
    put->bind(13, r.scanned_at).bind(14, r.error);
    PORTCULLIS_TRY(put->run());
    for (const auto& e : events) PORTCULLIS_TRY(insert_event(e));
    return Ok{};
  });
}

Status PipelineStore::fail_scan(const ScanJob& job, const std::string& error, bool retry) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached(
      "UPDATE scan_jobs SET state = ?, error = ?, finished_at = ? WHERE id = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, retry ? "queued" : "failed").bind(2, error).bind(3, unix_time()).bind(4, job.id);
  return stmt->run();
}

Status PipelineStore::finish_job(int64_t id) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached("UPDATE scan_jobs SET state = 'done' WHERE id = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  return stmt->run();
}

Result<std::vector<ScanJob>> PipelineStore::jobs_in(std::string_view state) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached(
      "SELECT id, repository, digest, tag, reason, attempts, enqueued_at FROM scan_jobs "
      "WHERE state = ? ORDER BY id");
  if (!stmt) return stmt.error();
  stmt->bind(1, state);
  return stmt->collect(job_from);
}

Result<int64_t> PipelineStore::count_jobs(std::string_view state) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached("SELECT count(*) FROM scan_jobs WHERE state = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, state);
  auto row = stmt->step();
  if (!row) return row.error();
  int64_t n = stmt->integer(0);
  (void)stmt->step();
  return n;
}

Result<std::optional<ScanJob>> PipelineStore::job_for(std::string_view repository,
                                                      std::string_view digest) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached(
      "SELECT id, repository, digest, tag, reason, attempts, enqueued_at FROM scan_jobs "
      "WHERE repository = ? AND digest = ? ORDER BY id DESC LIMIT 1");
  if (!stmt) return stmt.error();
  stmt->bind(1, repository).bind(2, digest);
  auto rows = stmt->collect(job_from);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<ScanJob>();
  return std::optional<ScanJob>(rows->front());
}

Result<std::optional<ScanRecord>> PipelineStore::scan(std::string_view repository,
                                                      std::string_view digest) {
  std::lock_guard lock(mutex_);
  static const std::string kSql =
      fmt::format("SELECT {} FROM scans WHERE repository = ? AND digest = ?", kScanColumns);
  auto stmt = db_->prepare_cached(kSql);
  if (!stmt) return stmt.error();
  stmt->bind(1, repository).bind(2, digest);
  auto rows = stmt->collect(scan_from);
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<ScanRecord>();
  return std::optional<ScanRecord>(std::move(rows->front()));
}

Result<std::vector<ScanRecord>> PipelineStore::completed_scans() {
  std::lock_guard lock(mutex_);
  static const std::string kSql = fmt::format(
      "SELECT {} FROM scans WHERE status = 'completed' ORDER BY repository, digest", kScanColumns);
  auto stmt = db_->prepare_cached(kSql);
  if (!stmt) return stmt.error();
  return stmt->collect(scan_from);
}

Status PipelineStore::update_scan(const ScanRecord& r, const std::vector<Event>& events) {
  std::lock_guard lock(mutex_);
  return transaction([&]() -> Status {
    auto stmt = db_->prepare_cached(
        "UPDATE scans SET passed = ?, summary = ?, report = ?, db_built_at = ?, scanned_at = ? "
        "WHERE repository = ? AND digest = ?");
    if (!stmt) return stmt.error();
    stmt->bind(1, int64_t{r.passed ? 1 : 0}).bind(2, to_json_text(r.summary));
    stmt->bind(3, to_json_text(r.report)).bind(4, r.db_built_at).bind(5, r.scanned_at);
    stmt->bind(6, r.repository).bind(7, r.digest);
    PORTCULLIS_TRY(stmt->run());
    for (const auto& e : events) PORTCULLIS_TRY(insert_event(e));
    return Ok{};
  });
}

Result<std::vector<Event>> PipelineStore::events(const EventQuery& q) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached(
      "SELECT id, time, action, actor, repository, digest, tag, rule, result, reason, remote, "
      "detail FROM audit WHERE time >= ? AND id > ? AND (? = '' OR action = ?) AND "
      "(? = '' OR repository = ? OR (substr(?, -1) = '/' AND substr(repository, 1, length(?)) = "
      "?)) ORDER BY id LIMIT ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, q.since).bind(2, q.after_id).bind(3, q.action).bind(4, q.action);
  for (int i = 5; i <= 9; ++i) stmt->bind(i, q.repository);
  stmt->bind(10, int64_t{q.limit});
  return stmt->collect([](Statement& s) {
    Event e;
    e.id = s.integer(0);
    e.time = s.integer(1);
    e.action = s.text(2);
    e.actor = s.text(3);
    e.repository = s.text(4);
    e.digest = s.text(5);
    e.tag = s.text(6);
    e.rule = s.text(7);
    e.result = s.text(8);
    e.reason = s.text(9);
    e.remote = s.text(10);
    e.detail = parse_or(s.text(11), nlohmann::json::object());
    return e;
  });
}

Result<std::vector<Delivery>> PipelineStore::due_deliveries(int64_t now, int limit) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached(
      "SELECT id, event_id, webhook, event, body, state, attempts, next_attempt, last_status, "
      "last_error, created_at, delivered_at FROM deliveries WHERE state = 'pending' AND "
      "next_attempt <= ? ORDER BY id LIMIT ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, now).bind(2, int64_t{limit});
  return stmt->collect(delivery_from);
}

Status PipelineStore::delivery_done(int64_t id, int status, const std::string& error,
                                    bool delivered, int64_t next_attempt, bool give_up) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached(
      "UPDATE deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?, "
      "state = ?, next_attempt = ?, delivered_at = ? WHERE id = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, int64_t{status}).bind(2, error);
  stmt->bind(3, delivered ? "delivered" : give_up ? "failed" : "pending");
  stmt->bind(4, next_attempt).bind(5, delivered ? unix_time() : int64_t{0}).bind(6, id);
  return stmt->run();
}

Result<std::vector<Delivery>> PipelineStore::deliveries(int limit) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached(
      "SELECT id, event_id, webhook, event, body, state, attempts, next_attempt, last_status, "
      "last_error, created_at, delivered_at FROM deliveries ORDER BY id DESC LIMIT ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, int64_t{limit});
  return stmt->collect(delivery_from);
}

Result<std::optional<std::string>> PipelineStore::mirrored_digest(std::string_view mirror,
                                                                  std::string_view tag) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached("SELECT digest FROM mirror_tags WHERE mirror = ? AND tag = ?");
  if (!stmt) return stmt.error();
  stmt->bind(1, mirror).bind(2, tag);
  auto rows = stmt->collect([](Statement& s) { return s.text(0); });
  if (!rows) return rows.error();
  if (rows->empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows->front());
}

Status PipelineStore::set_mirrored(std::string_view mirror, std::string_view tag,
                                   std::string_view digest) {
  std::lock_guard lock(mutex_);
  auto stmt = db_->prepare_cached(
      "INSERT OR REPLACE INTO mirror_tags(mirror, tag, digest, mirrored_at) VALUES(?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  stmt->bind(1, mirror).bind(2, tag).bind(3, digest).bind(4, unix_time());
  return stmt->run();
}

}  // namespace portcullis::pipeline
