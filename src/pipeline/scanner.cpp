// Scan on push: workers take jobs from the persistent queue, read the image straight from the
// blob store, match it, evaluate the default scan policy, attach the SBOM and the report as OCI
// referrers of the image and store the summary; then the promotion rules run.
#include "analyze/inventory_json.hpp"
#include "analyze/scan.hpp"
#include "base/json_text.hpp"
#include "base/log.hpp"
#include "base/time_text.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/scan_summary.hpp"
#include "sbom/writers.hpp"
#include "sign/storage.hpp"
#include "vuln/database.hpp"
#include "vuln/matcher.hpp"

namespace portcullis::pipeline {
namespace {

constexpr int kMaxAttempts = 3;
constexpr std::string_view kSbomType = "application/vnd.cyclonedx+json";
constexpr std::string_view kJobAnnotation = "dev.portcullis.scan.job";

// The referrer of `artifact_type` this job already attached (a scan resumed after a crash
// attaches nothing twice), or empty.
std::string attached_by_job(const LocalRegistry& local, const ScanJob& job,
                            std::string_view artifact_type) {
  auto found = local.metadata.referrers(job.repository, job.digest);
  if (!found) return "";
  for (const auto& r : *found) {
    if (r.artifact_type != artifact_type) continue;
    auto a = nlohmann::json::parse(r.annotations_json, nullptr, false);
    if (a.is_object() && a.value(std::string(kJobAnnotation), "") == std::to_string(job.id)) {
      return r.digest;
    }
  }
  return "";
}

Result<std::string> attach_referrer(const LocalRegistry& local, const ScanJob& job,
                                    const sign::Subject& subject, std::string_view artifact_type,
                                    const std::string& content) {
  if (auto done = attached_by_job(local, job, artifact_type); !done.empty()) return done;
  auto store = local_artifact_store(local, job.repository, "portcullis");
  nlohmann::json annotations = {{std::string(kJobAnnotation), std::to_string(job.id)},
                                {"org.opencontainers.image.created", rfc3339(job.enqueued_at)}};
  PORTCULLIS_TRY(sign::push_referrer(*store, subject, artifact_type, artifact_type, content,
                                     nlohmann::json::object(), annotations));
  return attached_by_job(local, job, artifact_type);
}

}  // namespace

void Pipeline::worker_loop() {
  while (!stopping_) {
    auto job = store_->claim_scan();
    if (!job) {
      log::error("scan queue", {{"error", job.error().what()}});
      if (!sleep_for(std::chrono::seconds(1))) return;
      continue;
    }
    if (!*job) {
      if (!sleep_for(std::chrono::seconds(1))) return;
      continue;
    }
    auto started = std::chrono::steady_clock::now();
    auto done = run_scan(**job);
    if (!done) {
      bool retry = (*job)->attempts < kMaxAttempts && done.error().code() == ErrorCode::kIo;
      log::warn("scan failed", {{"repository", (*job)->repository},
                                {"digest", (*job)->digest},
                                {"attempt", (*job)->attempts},
                                {"retry", retry},
                                {"error", done.error().what()}});
      (void)store_->fail_scan(**job, done.error().what(), retry);
      if (!retry) metrics_.scans_failed.fetch_add(1);
      if (!retry) {
        record(Event{0, 0, "scan_completed", "portcullis", (*job)->repository, (*job)->digest,
                     (*job)->tag, "", "error", done.error().what(), "", nlohmann::json::object()});
      }
      continue;
    }
    metrics_.scans_completed.fetch_add(1);
    log::info("scanned", {{"repository", (*job)->repository},
                          {"digest", (*job)->digest},
                          {"ms", std::chrono::duration<double, std::milli>(
                                     std::chrono::steady_clock::now() - started)
                                     .count()}});
    after_scan(**job);
  }
}

Status Pipeline::run_scan(const ScanJob& job) {
  auto record = local_.metadata.get_manifest(job.repository, job.digest);
  if (!record) return record.error();
  if (!*record) {
    return make_error(ErrorCode::kNotFound, "{}@{} was deleted before it was scanned",
                      job.repository, job.digest);
  }
  const auto& scanning = options_.config.scanning;
  auto source = local_image_source(local_, job.repository, job.digest, scanning.platform);
  analyze::ScanOptions options;
  if (scanning.layer_cache) options.cache_dir = scanning.cache_dir;
  auto scanned = analyze::scan_image(*source, options);
  if (!scanned) return scanned.error();
  auto db = vuln::Database::open(scanning.db ? *scanning.db : vuln::default_db_path());
  if (!db) return db.error();
  auto evaluated = evaluate_scan(scanned->inventory, **db, options_.config.scanning, "");
  if (!evaluated) return evaluated.error();

  ScanRecord r;
  r.repository = job.repository;
  r.digest = job.digest;
  r.tag = job.tag;
  r.job_id = job.id;
  r.status = "completed";
  r.passed = evaluated->passed;
  r.summary = evaluated->summary;
  r.report = evaluated->report;
  r.inventory = analyze::inventory_json(scanned->inventory);
  r.db_built_at = (*db)->metadata().built_at;
  r.scanned_at = unix_time();

  const auto& image = scanned->image;
  sign::Subject subject{job.digest, (*record)->media_type,
                        static_cast<int64_t>((*record)->content.size())};
  sbom::Subject about{local_.host + "/" + job.repository + (job.tag.empty() ? "" : ":" + job.tag),
                      image.manifest_digest ? image.manifest_digest->str() : job.digest,
                      image.config_digest.str(),
                      image.platform.os + "/" + image.platform.architecture +
                          (image.platform.variant.empty() ? "" : "/" + image.platform.variant),
                      rfc3339(job.enqueued_at)};
  auto sbom = attach_referrer(local_, job, subject, kSbomType,
                              to_json_text(sbom::cyclonedx_document(scanned->inventory, about)));
  if (!sbom) return sbom.error();
  auto report = attach_referrer(local_, job, subject, kScanReportType, to_json_text(r.report));
  if (!report) return report.error();
  r.sbom_digest = *sbom;
  r.report_digest = *report;
  nlohmann::json detail = r.summary;
  detail["sbom"] = r.sbom_digest;
  detail["report"] = r.report_digest;
  Event completed{0,
                  0,
                  "scan_completed",
                  "portcullis",
                  job.repository,
                  job.digest,
                  job.tag,
                  "",
                  r.passed ? "passed" : "failed",
                  evaluated->reason,
                  "",
                  detail};
  return store_->finish_scan(job, r, {completed});
}

Result<int> Pipeline::rematch() {
  const auto& scanning = options_.config.scanning;
  auto db = vuln::Database::open(scanning.db ? *scanning.db : vuln::default_db_path());
  if (!db) return db.error();
  auto scans = store_->completed_scans();
  if (!scans) return scans.error();
  int changed = 0;
  for (auto& r : *scans) {
    auto inventory = analyze::inventory_from(r.inventory);
    if (!inventory) {
      log::warn("stored inventory unreadable", {{"digest", r.digest}});
      continue;
    }
    auto evaluated = evaluate_scan(*inventory, **db, scanning, "");
    if (!evaluated) return evaluated.error();
    bool was = r.passed;
    std::string was_db = r.db_built_at;
    r.passed = evaluated->passed;
    r.summary = evaluated->summary;
    r.report = evaluated->report;
    r.db_built_at = (*db)->metadata().built_at;
    r.scanned_at = unix_time();
    std::vector<Event> events;
    if (was != r.passed) {
      ++changed;
      events.push_back(Event{
          0, 0, "verdict_changed", "portcullis", r.repository, r.digest, r.tag, "",
          r.passed ? "passed" : "failed",
          fmt::format("was {} with the DB of {}; {} with the DB of {}", was ? "passed" : "failed",
                      was_db, r.passed ? "passes" : "fails", (*db)->metadata().built_at) +
              (evaluated->reason.empty() ? "" : ": " + evaluated->reason),
          "", r.summary});
    }
    PORTCULLIS_TRY(store_->update_scan(r, events));
  }
  db_built_at_ = (*db)->metadata().built_at;
  log::info("stored scans re-matched", {{"scans", scans->size()}, {"verdicts_changed", changed}});
  return changed;
}

}  // namespace portcullis::pipeline
