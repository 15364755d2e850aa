// Metrics recording and rendering.
#include "registry/metrics.hpp"

#include <fmt/format.h>

namespace portcullis::registry {

void Metrics::record(std::string_view route, std::string_view method, unsigned status,
                     std::chrono::nanoseconds duration, uint64_t bytes_in, uint64_t bytes_out) {
  bytes_in_ += bytes_in;
  bytes_out_ += bytes_out;
  double seconds = std::chrono::duration<double>(duration).count();
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), std::string(method), status}];
  auto& h = latency_[std::string(route)];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render(int64_t stored_blobs, int64_t stored_bytes) const {
  std::string out;
  out += "# HELP portcullis_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE portcullis_http_requests_total counter\n";
  std::lock_guard lock(mutex_);
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += fmt::format(
        "portcullis_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n", route,
        method, status, count);
  }
  out += "# HELP portcullis_http_request_duration_seconds Request latency by route.\n";
  out += "# TYPE portcullis_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format(
          "portcullis_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", route,
          kBuckets[i], h.counts[i]);
    }
    out += fmt::format(
        "portcullis_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route,
        h.count);
    out += fmt::format("portcullis_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route,
                       h.sum);
    out += fmt::format("portcullis_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                       h.count);
  }
  out += "# HELP portcullis_http_received_bytes_total Request body bytes received.\n";
  out += "# TYPE portcullis_http_received_bytes_total counter\n";
  out += fmt::format("portcullis_http_received_bytes_total {}\n", bytes_in_.load());
  out += "# HELP portcullis_http_sent_bytes_total Response body bytes sent.\n";
  out += "# TYPE portcullis_http_sent_bytes_total counter\n";
  out += fmt::format("portcullis_http_sent_bytes_total {}\n", bytes_out_.load());
  out += "# HELP portcullis_stored_blobs Blobs in the blob store.\n";
  out += "# TYPE portcullis_stored_blobs gauge\n";
  out += fmt::format("portcullis_stored_blobs {}\n", stored_blobs);
  out += "# HELP portcullis_stored_bytes Bytes of blob content in the blob store.\n";
  out += "# TYPE portcullis_stored_bytes gauge\n";
  out += fmt::format("portcullis_stored_bytes {}\n", stored_bytes);
  return out;
}

}  // namespace portcullis::registry
