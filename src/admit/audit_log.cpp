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

Status AuditLog::write(const nlohmann::json& event) {
  std::string line = to_json_text(event) + "\n";
  std::lock_guard lock(mutex_);
  if (path_ == "-") {
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
    return Ok{};
  }
  std::error_code ec;
  auto size = std::filesystem::file_size(path_, ec);
  if (!ec && max_bytes_ > 0 && size + line.size() > max_bytes_) PORTCULLIS_TRY(rotate());
  auto fd = open_append(path_, 0640);
  if (!fd) return fd.error();
  return write_all(fd->get(), line);
}

}  // namespace portcullis::admit
