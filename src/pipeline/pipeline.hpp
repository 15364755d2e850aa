// The secure image pipeline inside `portcullis serve`: repository rules checked on every push
// and delete, scan on push through a persistent queue, promotion from staging to verified
// repositories, pull and push mirroring, outgoing webhooks and the audit log, with their API.
#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/config.hpp"
#include "pipeline/local_registry.hpp"
#include "pipeline/pipeline_store.hpp"
#include "pipeline/voucher.hpp"
#include "registry/hooks.hpp"
#include "registry/registry.hpp"

namespace portcullis::pipeline {

struct PipelineOptions {
  PipelineConfig config;
  std::filesystem::path data_dir;
  std::optional<VoucherConfig> voucher;  // for promotions' checks
};

// Counters for /metrics.
struct PipelineMetrics {
  std::atomic<int64_t> scans_completed{0};
  std::atomic<int64_t> scans_failed{0};
  std::atomic<int64_t> promotions{0};
  std::atomic<int64_t> promotions_refused{0};
  std::atomic<int64_t> mirrored{0};
  std::atomic<int64_t> mirror_failures{0};
  std::atomic<int64_t> deliveries{0};
  std::atomic<int64_t> delivery_failures{0};
};

// What a promotion decided.
struct PromotionResult {
  bool promoted = false;
  std::string rule;
  std::string source;                // repository@digest
  std::string target;                // repository:tag
  std::vector<std::string> reasons;  // why not, or which checks passed
};

struct PromoteRequest {
  std::string source_repository;
  std::string reference;  // tag or digest
  std::string target;     // repository:tag; empty: the first matching rule's target
  std::string user;
  bool force = false;  // a manual override: skip the rule's conditions (audited)
};

// "sha256=<hex HMAC-SHA256 of the body>", the X-Portcullis-Signature header of webhooks.
std::string webhook_signature(std::string_view secret, std::string_view body);

class Pipeline {
 public:
  static Result<std::unique_ptr<Pipeline>> open(PipelineOptions options,
                                                registry::Registry& registry,
                                                store::MetadataStore& metadata,
                                                store::BlobStore& blobs);
  ~Pipeline();

  // Registry hooks and the API; call before the server starts.
  void attach();
  // The workers; `self_host` is how the server's own checks reach it (host:port), after
  // listen(). `self_tls`: the server speaks TLS.
  void start(const std::string& self_host, bool self_tls);
  void stop();

  PipelineStore& store() { return *store_; }
  const PipelineConfig& config() const { return options_.config; }
  // Audit events of other modules (admission decisions, attestor changes).
  void record(const Event& event);

  Result<PromotionResult> promote(const PromoteRequest& request);
  // Re-matches every stored scan against the current DB; returns how many verdicts changed.
  Result<int> rematch();
  // One poll of every pull mirror that is due (all when `force`).
  void poll_mirrors(bool force);
  // Applies retention rules once; returns how many tags and manifests it deleted.
  int apply_retention();

 private:
  explicit Pipeline(PipelineOptions options, registry::Registry& registry,
                    store::MetadataStore& metadata, store::BlobStore& blobs);

  // Hooks (gate.cpp).
  std::optional<std::string> check_push(const registry::ManifestPush& push);
  std::optional<std::string> check_delete(std::string_view repository, std::string_view reference);
  std::vector<std::string> missing_attestations(std::string_view repository,
                                                std::string_view digest,
                                                const std::vector<std::string>& attestors);
  void on_event(const registry::RegistryEvent& event);

  // Scans (scanner.cpp).
  void worker_loop();
  Status run_scan(const ScanJob& job);
  void after_scan(const ScanJob& job);
  // Promotions (promotion.cpp).
  std::vector<std::string> unmet_conditions(const PromotionRule& rule, const ScanRecord& scan,
                                            const std::string& repository,
                                            const std::string& digest);
  PromotionResult promote_with(const PromotionRule* rule, const std::string& repository,
                               const std::string& digest, const std::string& tag,
                               const std::string& target, const std::string& user, bool force);
  void push_mirror(const std::string& repository, const std::string& digest,
                   const std::string& tag);
  // Background work (pipeline.cpp).
  void delivery_loop();
  void maintenance_loop();
  void mirror_loop();
  void wake_workers();
  // Waits `d`, or less when woken (new work, stopping); false when stopping.
  bool sleep_for(std::chrono::milliseconds d);

  PipelineOptions options_;
  registry::Registry& registry_;
  LocalRegistry local_;
  std::unique_ptr<PipelineStore> store_;
  std::string service_user_ = "portcullis-pipeline";
  std::string service_password_;
  std::string self_host_;
  bool self_tls_ = false;

  std::atomic<bool> stopping_{false};
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  uint64_t wakeups_ = 0;  // with wake_mutex_: wake_workers() calls
  std::vector<std::thread> threads_;
  std::mutex mirror_mutex_;
  std::map<std::string, std::chrono::steady_clock::time_point> mirror_due_;
  std::map<std::string, int> mirror_failures_;
  std::string db_built_at_;
  PipelineMetrics metrics_;
  std::string render_metrics();  // the DB the stored scans were matched against
};

}  // namespace portcullis::pipeline
