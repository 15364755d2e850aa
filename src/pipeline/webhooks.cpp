// Outgoing webhooks: each pending delivery (written with its event, so none is lost in a crash)
// is POSTed as JSON with its HMAC-SHA256 in X-Portcullis-Signature ("sha256=<hex>", as GitHub's
// X-Hub-Signature-256); anything but a 2xx is retried with exponential backoff (10 s doubling,
// at most 1 h) and given up after 8 attempts. Every attempt is in the delivery log.
#include "base/encoding.hpp"
#include "base/log.hpp"
#include "http/client.hpp"
#include "pipeline/pipeline.hpp"

namespace portcullis::pipeline {
namespace {

constexpr int kMaxAttempts = 8;

}  // namespace

std::string webhook_signature(std::string_view secret, std::string_view body) {
  return "sha256=" + hex_encode(hmac_sha256(secret, body));
}

void Pipeline::delivery_loop() {
  while (sleep_for(std::chrono::seconds(1))) {
    auto due = store_->due_deliveries(unix_time(), 50);
    if (!due) continue;
    for (const auto& d : *due) {
      if (stopping_) return;
      const WebhookTarget* target = nullptr;
      for (const auto& w : options_.config.webhooks) {
        if (w.name == d.webhook) target = &w;
      }
      if (target == nullptr) {  // removed from the configuration
        (void)store_->delivery_done(d.id, 0, "webhook no longer configured", false, 0, true);
        continue;
      }
      http::ClientOptions options;
      options.tls_verify = target->tls_verify;
      options.timeout_seconds = 10;
      http::Client client(options);
      http::ClientRequest request{"POST",
                                  target->url,
                                  {{"Content-Type", "application/json"},
                                   {"User-Agent", "portcullis-webhook"},
                                   {"X-Portcullis-Event", d.event},
                                   {"X-Portcullis-Delivery", std::to_string(d.id)}},
                                  d.body,
                                  true};
      if (!target->secret.empty()) {
        request.headers.emplace_back("X-Portcullis-Signature",
                                     webhook_signature(target->secret, d.body));
      }
      auto res = client.send(request);
      int status = res ? static_cast<int>(res->status) : 0;
      bool ok = res && status >= 200 && status < 300;
      std::string error = !res ? res.error().what() : ok ? "" : fmt::format("HTTP {}", status);
      int attempt = d.attempts + 1;
      int64_t backoff = std::min<int64_t>(3600, int64_t{10} << std::min(attempt - 1, 12));
      bool give_up = !ok && attempt >= kMaxAttempts;
      (ok ? metrics_.deliveries : metrics_.delivery_failures).fetch_add(1);
      if (!ok) {
        log::warn("webhook delivery failed", {{"webhook", d.webhook},
                                              {"delivery", d.id},
                                              {"attempt", attempt},
                                              {"error", error},
                                              {"given_up", give_up}});
      }
      (void)store_->delivery_done(d.id, status, error, ok, unix_time() + backoff, give_up);
    }
  }
}

}  // namespace portcullis::pipeline
