// Serving admission reviews.
#include "admit/webhook.hpp"

#include <ctime>

#include "admit/decide.hpp"
#include "admit/review.hpp"
#include "base/json_text.hpp"
#include "base/log.hpp"

namespace portcullis::admit {
namespace {

constexpr size_t kMaxReview = 3 << 20;  // the API server's request size limit
constexpr std::array<double, 10> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                            0.025,  0.05,  0.1,    0.5,   1.0};

std::string now_rfc3339() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

http::Response text_response(unsigned status, std::string body, const char* type) {
  http::Response res;
  res.status = status;
  res.body = std::move(body);
  res.set("Content-Type", type);
  return res;
}

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Webhook>> Webhook::open(WebhookOptions options, VerifierOptions verifier) {
  std::unique_ptr<Webhook> w(new Webhook(std::move(options), std::move(verifier)));
  w->latency_buckets_.assign(kBounds.size(), 0);
  auto p = load_admission_policy(w->options_.policy_path);
  if (!p) return p.error();
  w->policy_ = std::make_shared<const AdmissionPolicy>(std::move(*p));
  std::error_code ec;
  w->policy_mtime_ = std::filesystem::last_write_time(w->options_.policy_path, ec);
  w->checked_ = std::chrono::steady_clock::now();
  return w;
}

Status Webhook::reload() {
  auto p = load_admission_policy(options_.policy_path);
  if (!p) {
    log::error("policy not reloaded; the previous one stays",
               {{"policy", options_.policy_path}, {"error", p.error().what()}});
    return p.error();
  }
  std::error_code ec;
  {
    std::lock_guard lock(mutex_);
    policy_ = std::make_shared<const AdmissionPolicy>(std::move(*p));
    policy_mtime_ = std::filesystem::last_write_time(options_.policy_path, ec);
    ++reloads_;
  }
  verifier_.clear();
  log::info("policy reloaded; verification cache cleared", {{"policy", options_.policy_path}});
  return Ok{};
}

std::shared_ptr<const AdmissionPolicy> Webhook::policy() {
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    if (now - checked_ >= std::chrono::seconds(1)) {
      checked_ = now;
      std::error_code ec;
      auto mtime = std::filesystem::last_write_time(options_.policy_path, ec);
      changed = !ec && mtime != policy_mtime_;
    }
  }
  if (changed) (void)reload();
  std::lock_guard lock(mutex_);
  return policy_;
}

void Webhook::observe(const std::string& result, const std::string& rule, const std::string& mode) {
  std::string key =
      fmt::format("result=\"{}\",rule=\"{}\",mode=\"{}\"", result, escape_label(rule), mode);
  std::lock_guard lock(mutex_);
  ++decisions_[key];
}

http::Response Webhook::review(http::Request& request) {
  auto started = std::chrono::steady_clock::now();
  auto body = request.read_body(kMaxReview);
  if (!body) return text_response(413, body.error().message() + "\n", "text/plain");
  auto workload = parse_admission_review(*body);
  if (!workload) return text_response(400, workload.error().message() + "\n", "text/plain");
  auto pol = policy();
  auto decision = decide(*pol, options_.cluster, *workload, verifier_, started + options_.deadline);
  auto events = audit_events(options_.cluster, *workload, decision, now_rfc3339());
  for (size_t i = 0; i < events.size(); ++i) {
    if (auto s = audit_.write(events[i]); !s) {
      log::error("audit log write failed", {{"error", s.error().what()}});
    }
    if (options_.on_decision) options_.on_decision(events[i]);
    observe(events[i]["result"], decision.images[i].rule,
            std::string(enforcement_mode_name(decision.images[i].enforcement_mode)));
  }
  auto res = text_response(200,
                           to_json_text(admission_response(workload->uid, decision.allowed,
                                                           decision.message, decision.warnings)),
                           "application/json");
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) ++latency_buckets_[i];
  }
  ++latency_count_;
  latency_sum_ += seconds;
  return res;
}

http::Response Webhook::metrics() {
  std::string out =
      "# HELP portcullis_admission_decisions_total Image decisions by result, rule and "
      "enforcement mode.\n# TYPE portcullis_admission_decisions_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [labels, n] : decisions_) {
    out += fmt::format("portcullis_admission_decisions_total{{{}}} {}\n", labels, n);
  }
  out +=
      "# HELP portcullis_admission_review_seconds Time to answer an AdmissionReview.\n"
      "# TYPE portcullis_admission_review_seconds histogram\n";
  for (size_t i = 0; i < kBounds.size(); ++i) {
    out += fmt::format("portcullis_admission_review_seconds_bucket{{le=\"{}\"}} {}\n", kBounds[i],
                       latency_buckets_[i]);
  }
  out +=
      fmt::format("portcullis_admission_review_seconds_bucket{{le=\"+Inf\"}} {}\n", latency_count_);
  out += fmt::format("portcullis_admission_review_seconds_sum {}\n", latency_sum_);
  out += fmt::format("portcullis_admission_review_seconds_count {}\n", latency_count_);
  out += fmt::format(
      "# HELP portcullis_admission_cache_hits_total Attestation checks answered from the "
      "cache.\n# TYPE portcullis_admission_cache_hits_total counter\n"
      "portcullis_admission_cache_hits_total {}\n",
      verifier_.cache_hits());
  out += fmt::format(
      "# TYPE portcullis_admission_policy_reloads_total counter\n"
      "portcullis_admission_policy_reloads_total {}\n",
      reloads_);
  return text_response(200, std::move(out), "text/plain; version=0.0.4");
}

http::Response Webhook::handle(http::Request& request) {
  if (request.path == "/healthz") return text_response(200, "ok\n", "text/plain");
  if (request.path == "/metrics") return metrics();
  if ((request.path == "/validate" || request.path == "/") && request.method == http::Verb::post) {
    return review(request);
  }
  return text_response(404, "POST /validate, GET /healthz, GET /metrics\n", "text/plain");
}

}  // namespace portcullis::admit
