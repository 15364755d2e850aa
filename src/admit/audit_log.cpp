// Appending and rotating the audit log.
#include "admit/audit_log.hpp"

#include <cstdio>

#include "base/file.hpp"
#include "base/json_text.hpp"

namespace portcullis::admit {

Status AuditLog::rotate() {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (int i = keep_; i >= 1; --i) {
    fs::path from = i == 1 ? fs::path(path_) : fs::path(path_ + "." + std::to_string(i - 1));
    fs::path to = path_ + "." + std::to_string(i);
    if (fs::exists(from, ec)) fs::rename(from, to, ec);
    if (ec) return make_error(ErrorCode::kIo, "{}: rotate: {}", path_, ec.message());
  }
  if (keep_ == 0) fs::remove(path_, ec);
  return Ok{};
}

Status AuditLog::open_file() {
  auto fd = open_append(path_, 0640);
  if (!fd) return fd.error();
  fd_ = std::move(*fd);
  std::error_code ec;
  size_ = std::filesystem::file_size(path_, ec);
  if (ec) size_ = 0;
  return Ok{};
}

Status AuditLog::write(const nlohmann::json& event) {
  std::string line = to_json_text(event) + "\n";
  std::lock_guard lock(mutex_);
  if (path_ == "-") {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
    return Ok{};
  }
  if (fd_.get() < 0) PORTCULLIS_TRY(open_file());
  if (max_bytes_ > 0 && size_ > 0 && size_ + line.size() > max_bytes_) {
    fd_ = UniqueFd();
    PORTCULLIS_TRY(rotate());
    PORTCULLIS_TRY(open_file());
  }
  PORTCULLIS_TRY(write_all(fd_.get(), line));
  size_ += line.size();
  return Ok{};
}

}  // namespace portcullis::admit
