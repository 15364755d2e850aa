// Prometheus metrics: requests by route, method and status; a latency histogram; bytes in and
// out. Stored blob totals are read from the metadata store at scrape time.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace portcullis::registry {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    5};

  void record(std::string_view route, std::string_view method, unsigned status,
              std::chrono::nanoseconds duration, uint64_t bytes_in, uint64_t bytes_out);
  // Prometheus text exposition format 0.0.4.
  std::string render(int64_t stored_blobs, int64_t stored_bytes) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, unsigned>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::atomic<uint64_t> bytes_in_{0};
  std::atomic<uint64_t> bytes_out_{0};
};

}  // namespace portcullis::registry
