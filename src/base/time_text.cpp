// RFC 3339 timestamps.
#include "base/time_text.hpp"

#include <fmt/format.h>

#include <ctime>

namespace portcullis {

std::string rfc3339(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string now_rfc3339() { return rfc3339(static_cast<int64_t>(std::time(nullptr))); }

int64_t parse_rfc3339(std::string_view text) {
  std::tm tm{};
  std::string s(text);
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) {
    tm = {};
    end = strptime(s.c_str(), "%Y-%m-%d", &tm);
    if (end == nullptr || *end != '\0') return -1;
  } else {
    if (*end == '.') {
      ++end;
      while (*end >= '0' && *end <= '9') ++end;
    }
    if (*end != 'Z' || end[1] != '\0') return -1;
  }
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace portcullis
