// The admission audit log: one JSON object per line, to standard output ("-") or to a file that
// is rotated when it grows past a size (FILE -> FILE.1 -> … -> FILE.N, the oldest dropped).
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "base/file.hpp"
#include "base/result.hpp"

namespace portcullis::admit {

class AuditLog {
 public:
  // `path` "-" writes to stdout; `max_bytes` 0 never rotates.
  AuditLog(std::string path, uint64_t max_bytes, int keep)
      : path_(std::move(path)), max_bytes_(max_bytes), keep_(keep) {}
  Status write(const nlohmann::json& event);

 private:
  Status rotate();
  Status open_file();

  std::string path_;
  UniqueFd fd_;        // kept open between writes
  uint64_t size_ = 0;  // of the open file
  uint64_t max_bytes_;
  int keep_;
  std::mutex mutex_;
};

}  // namespace portcullis::admit
