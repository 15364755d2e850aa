// The validating admission webhook: POST /validate (or /) takes an AdmissionReview and answers
// with the decision; GET /healthz; GET /metrics (decisions by result, rule and mode, a latency
// histogram, verification cache hits). The policy file is re-read when it changes (checked at
// most once a second) or on reload(); a reload clears the verification cache; a policy that no
// longer parses is logged and the previous one kept.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "admit/audit_log.hpp"
#include "admit/policy.hpp"
#include "admit/verifier.hpp"
#include "http/message.hpp"

namespace portcullis::admit {

struct WebhookOptions {
  std::string policy_path;
  std::string cluster;  // location.clusterId of the cluster this webhook serves
  std::string audit_log = "-";
  uint64_t audit_max_bytes = 100 << 20;
  int audit_keep = 5;
  // Registry work for one review stops after this; the API server's own wait is 10 s by default.
  std::chrono::milliseconds deadline{8000};
  // Also given each audit event (the registry's audit log, when the webhook runs inside serve).
  std::function<void(const nlohmann::json&)> on_decision;
};

class Webhook {
 public:
  static Result<std::unique_ptr<Webhook>> open(WebhookOptions options, VerifierOptions verifier);

  http::Response handle(http::Request& request);
  Status reload();

 private:
  Webhook(WebhookOptions options, VerifierOptions verifier)
      : options_(std::move(options)),
        verifier_(std::move(verifier)),
        audit_(options_.audit_log, options_.audit_max_bytes, options_.audit_keep) {}
  std::shared_ptr<const AdmissionPolicy> policy();
  http::Response review(http::Request& request);
  http::Response metrics();
  void observe(const std::string& result, const std::string& rule, const std::string& mode);

  WebhookOptions options_;
  Verifier verifier_;
  AuditLog audit_;
  std::mutex mutex_;
  std::shared_ptr<const AdmissionPolicy> policy_;
  std::filesystem::file_time_type policy_mtime_;
  std::chrono::steady_clock::time_point checked_;
  std::map<std::string, uint64_t> decisions_;  // label set -> count
  std::vector<uint64_t> latency_buckets_;      // cumulative counts per bound
  uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
  uint64_t reloads_ = 0;
};

}  // namespace portcullis::admit
