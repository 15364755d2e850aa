// The pipeline's assembly: hooks, the registry events it acts on, and its background threads.
#include "pipeline/pipeline.hpp"

#include <random>

#include "base/encoding.hpp"
#include "base/log.hpp"
#include "vuln/database.hpp"

namespace portcullis::pipeline {
namespace {

std::string random_secret() {
  std::random_device random;
  std::string bytes(32, '\0');
  for (auto& b : bytes) b = static_cast<char>(random());
  return hex_encode(bytes);
}

std::filesystem::path db_path(const ScanningConfig& s) {
  return s.db ? *s.db : vuln::default_db_path();
}

}  // namespace

Pipeline::Pipeline(PipelineOptions options, registry::Registry& registry,
                   store::MetadataStore& metadata, store::BlobStore& blobs)
    : options_(std::move(options)),
      registry_(registry),
      local_{registry, metadata, blobs, ""},
      service_password_(random_secret()) {}

Pipeline::~Pipeline() { stop(); }

Result<std::unique_ptr<Pipeline>> Pipeline::open(PipelineOptions options,
                                                 registry::Registry& registry,
                                                 store::MetadataStore& metadata,
                                                 store::BlobStore& blobs) {
  if (!options.config.scanning.cache_dir) {
    options.config.scanning.cache_dir = options.data_dir / "cache";
  }
  auto store = PipelineStore::open(options.data_dir / "pipeline.db", options.config.webhooks);
  if (!store) return store.error();
  std::unique_ptr<Pipeline> p(new Pipeline(std::move(options), registry, metadata, blobs));
  p->store_ = std::move(*store);
  return p;
}

void Pipeline::attach() {
  registry_.add_service_account(service_user_, service_password_);
  registry::RegistryHooks hooks;
  hooks.check_push = [this](const registry::ManifestPush& push) { return check_push(push); };
  hooks.check_delete = [this](std::string_view repository, std::string_view reference) {
    return check_delete(repository, reference);
  };
  hooks.on_event = [this](const registry::RegistryEvent& event) { on_event(event); };
  hooks.metrics = [this] { return render_metrics(); };
  registry_.set_hooks(std::move(hooks));
}

void Pipeline::record(const Event& event) {
  if (auto ok = store_->record(event); !ok) {
    log::error("audit event not recorded",
               {{"action", event.action}, {"error", ok.error().what()}});
  }
}

void Pipeline::on_event(const registry::RegistryEvent& e) {
  Event event;
  event.action = e.action;
  event.actor = e.user;
  event.repository = e.repository;
  event.digest = e.digest;
  event.tag = e.tag;
  event.remote = e.remote;
  if (!e.media_type.empty()) event.detail["mediaType"] = e.media_type;
  if (e.action == "push") event.detail["artifact"] = e.artifact;
  record(event);
  if (e.action != "push" || e.artifact) return;
  const RepositoryRule* rule = options_.config.rule_for(e.repository);
  if (rule == nullptr || !rule->scan_on_push) return;
  // A multi-platform push stores each platform's manifest by digest, then the index by tag: the
  // tagged manifest (or an index pushed by digest) is the image; its platforms are not scanned
  // on their own.
  bool index = e.media_type.find("index") != std::string::npos ||
               e.media_type.find("manifest.list") != std::string::npos;
  if (e.tag.empty() && !index) return;
  auto queued =
      store_->enqueue_scan(ScanJob{0, e.repository, e.digest, e.tag, "push", 0, unix_time()});
  if (!queued) {
    log::error("scan not queued", {{"repository", e.repository}, {"error", queued.error().what()}});
    return;
  }
  if (*queued) wake_workers();
}

std::string Pipeline::render_metrics() {
  std::string out;
  auto counter = [&out](const char* name, const char* help, int64_t value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n{} {}\n", name, help, name, name, value);
  };
  counter("portcullis_scans_completed_total", "Scans stored since start.",
          metrics_.scans_completed.load());
  counter("portcullis_scans_failed_total", "Scans given up since start.",
          metrics_.scans_failed.load());
  counter("portcullis_promotions_total", "Images promoted since start.",
          metrics_.promotions.load());
  counter("portcullis_promotions_refused_total", "Promotions refused since start.",
          metrics_.promotions_refused.load());
  counter("portcullis_mirrored_total", "Tags copied from upstream registries since start.",
          metrics_.mirrored.load());
  counter("portcullis_mirror_failures_total", "Failed mirror polls and pushes since start.",
          metrics_.mirror_failures.load());
  counter("portcullis_webhook_deliveries_total", "Webhook deliveries answered 2xx since start.",
          metrics_.deliveries.load());
  counter("portcullis_webhook_delivery_failures_total", "Failed webhook attempts since start.",
          metrics_.delivery_failures.load());
  out += "# HELP portcullis_scan_queue Scan jobs by state.\n# TYPE portcullis_scan_queue gauge\n";
  for (const char* state : {"queued", "running", "failed"}) {
    auto n = store_->count_jobs(state);
    out += fmt::format("portcullis_scan_queue{{state=\"{}\"}} {}\n", state, n ? *n : -1);
  }
  return out;
}

void Pipeline::wake_workers() {
  std::lock_guard lock(wake_mutex_);
  ++wakeups_;
  wake_.notify_all();
}

bool Pipeline::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(wake_mutex_);
  uint64_t seen = wakeups_;
  wake_.wait_for(lock, d, [this, seen] { return stopping_.load() || wakeups_ != seen; });
  return !stopping_;
}

void Pipeline::start(const std::string& self_host, bool self_tls) {
  self_host_ = self_host;
  self_tls_ = self_tls;
  local_.host = self_host;
  auto requeued = store_->requeue_running();
  if (requeued && *requeued > 0) {
    log::info("scans resumed after a restart", {{"jobs", *requeued}});
  }
  auto db = vuln::Database::open(db_path(options_.config.scanning));
  if (db) db_built_at_ = (*db)->metadata().built_at;
  // Scans stored before a stop whose promotions had not run yet.
  if (auto scanned = store_->jobs_in("scanned"); scanned && !scanned->empty()) {
    log::info("promotions resumed after a restart", {{"jobs", scanned->size()}});
    threads_.emplace_back([this, jobs = std::move(*scanned)] {
      for (const auto& job : jobs) {
        if (stopping_) return;
        after_scan(job);
      }
    });
  }
  for (int i = 0; i < options_.config.scanning.workers; ++i) {
    threads_.emplace_back([this] { worker_loop(); });
  }
  threads_.emplace_back([this] { delivery_loop(); });
  threads_.emplace_back([this] { maintenance_loop(); });
  if (!options_.config.mirrors.empty()) threads_.emplace_back([this] { mirror_loop(); });
}

void Pipeline::stop() {
  stopping_ = true;
  wake_workers();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void Pipeline::maintenance_loop() {
  auto next_db_check = std::chrono::steady_clock::now();
  auto next_retention = std::chrono::steady_clock::now();
  while (sleep_for(std::chrono::seconds(1))) {
    auto now = std::chrono::steady_clock::now();
    if (now >= next_db_check) {
      next_db_check = now + options_.config.scanning.db_check_interval;
      auto db = vuln::Database::open(db_path(options_.config.scanning));
      if (db && (*db)->metadata().built_at != db_built_at_) {
        log::info("vulnerability DB changed: re-matching stored scans",
                  {{"built_at", (*db)->metadata().built_at}});
        auto changed = rematch();
        if (!changed) log::error("re-match failed", {{"error", changed.error().what()}});
      }
    }
    if (now >= next_retention) {
      next_retention = now + std::chrono::seconds(60);
      (void)apply_retention();
    }
  }
}

void Pipeline::mirror_loop() {
  while (sleep_for(std::chrono::seconds(1))) poll_mirrors(false);
}

}  // namespace portcullis::pipeline
