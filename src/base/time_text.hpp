// Timestamps as RFC 3339 text in UTC ("2026-11-23T14:10:24Z").
#pragma once

#include <cstdint>
#include <string>

namespace portcullis {

std::string rfc3339(int64_t unix_seconds);
std::string now_rfc3339();
// Parses "YYYY-MM-DDTHH:MM:SS[.fff]Z" or a date "YYYY-MM-DD"; nullopt-like -1 when invalid.
int64_t parse_rfc3339(std::string_view text);

}  // namespace portcullis
