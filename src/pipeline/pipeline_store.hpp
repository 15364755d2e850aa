// The pipeline's durable state in DATA/pipeline.db (SQLite, WAL, synchronous FULL): the scan
// queue, stored scan results, audit events, webhook deliveries (an outbox: an event and its
// deliveries are written in one transaction) and what each mirror has copied.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/sqlite.hpp"
#include "pipeline/config.hpp"

namespace portcullis::pipeline {

struct Event {
  int64_t id = 0;
  int64_t time = 0;    // unix seconds
  std::string action;  // push, delete, scan_completed, verdict_changed, promotion, ...
  std::string actor;   // user, or "portcullis" for the server's own work
  std::string repository;
  std::string digest;
  std::string tag;
  std::string rule;    // promotion, mirror or admission rule
  std::string result;  // e.g. passed/failed, promoted/refused, ALLOWED/DENIED
  std::string reason;
  std::string remote;  // client address
  nlohmann::json detail = nlohmann::json::object();
};

struct ScanJob {
  int64_t id = 0;
  std::string repository;
  std::string digest;
  std::string tag;
  std::string reason;  // push, mirror, manual
  int attempts = 0;
  int64_t enqueued_at = 0;
};

struct ScanRecord {
  std::string repository;
  std::string digest;
  std::string tag;
  int64_t job_id = 0;
  std::string status;  // completed, failed
  bool passed = false;
  nlohmann::json summary = nlohmann::json::object();  // counts, verdict, policy, DB
  nlohmann::json report =
      nlohmann::json::object();  // findings and verdict, as `scan --format json`
  nlohmann::json inventory;      // kept for re-matching without reading layers
  std::string sbom_digest;       // referrer manifests holding the SBOM and the report
  std::string report_digest;
  std::string db_built_at;
  int64_t scanned_at = 0;
  std::string error;
};

struct Delivery {
  int64_t id = 0;
  int64_t event_id = 0;
  std::string webhook;
  std::string event;
  std::string body;
  std::string state;  // pending, delivered, failed
  int attempts = 0;
  int64_t next_attempt = 0;
  int last_status = 0;
  std::string last_error;
  int64_t created_at = 0;
  int64_t delivered_at = 0;
};

class PipelineStore {
 public:
  static Result<std::unique_ptr<PipelineStore>> open(const std::filesystem::path& path,
                                                     std::vector<WebhookTarget> webhooks);

  // False when a scan of that digest in that repository is already queued or running.
  Result<bool> enqueue_scan(const ScanJob& job);
  // The oldest queued job, now running; nullopt when none is queued.
  Result<std::optional<ScanJob>> claim_scan();
  // After a restart: jobs left running by a killed server are queued again.
  Result<int64_t> requeue_running();
  // Stores the result, marks the job "scanned" and records the events, in one transaction.
  Status finish_scan(const ScanJob& job, const ScanRecord& record,
                     const std::vector<Event>& events);
  // Queued again (to retry later) or failed for good.
  Status fail_scan(const ScanJob& job, const std::string& error, bool retry);
  Result<int64_t> count_jobs(std::string_view state);
  // The scan is stored and its promotions are done.
  Status finish_job(int64_t id);
  // Jobs in a state ("scanned": stored, promotions not yet done when the server stopped).
  Result<std::vector<ScanJob>> jobs_in(std::string_view state);
  Result<std::optional<ScanJob>> job_for(std::string_view repository, std::string_view digest);

  Result<std::optional<ScanRecord>> scan(std::string_view repository, std::string_view digest);
  Result<std::vector<ScanRecord>> completed_scans();
  // A re-match's new result, with its events (verdict changed), in one transaction.
  Status update_scan(const ScanRecord& record, const std::vector<Event>& events);

  // Appends an audit event and a delivery for every webhook subscribed to its action.
  Status record(const Event& event);
  struct EventQuery {
    int64_t since = 0;
    std::string repository;  // exact, or a prefix ending in "/"
    std::string action;
    int64_t after_id = 0;
    int limit = 1000;
  };
  Result<std::vector<Event>> events(const EventQuery& query);

  Result<std::vector<Delivery>> due_deliveries(int64_t now, int limit);
  Status delivery_done(int64_t id, int status, const std::string& error, bool delivered,
                       int64_t next_attempt, bool give_up);
  Result<std::vector<Delivery>> deliveries(int limit);

  Result<std::optional<std::string>> mirrored_digest(std::string_view mirror, std::string_view tag);
  Status set_mirrored(std::string_view mirror, std::string_view tag, std::string_view digest);

 private:
  PipelineStore() = default;
  Status insert_event(const Event& event);  // with the lock held, inside a transaction
  template <typename F>
  Status transaction(F&& body);

  std::mutex mutex_;
  std::unique_ptr<sqlite::Database> db_;
  std::vector<WebhookTarget> webhooks_;
};

int64_t unix_time();

}  // namespace portcullis::pipeline
