// Structured logging: one line per event, JSON or logfmt, to stderr. Never pass secrets here.
#pragma once

#include <fmt/format.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace portcullis::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class Format { kText, kJson };

Result<Level> parse_level(std::string_view text);
Result<Format> parse_format(std::string_view text);

void set_level(Level level);
void set_format(Format format);
bool enabled(Level level);

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  template <typename T>
  requires std::is_arithmetic_v<T> Field(std::string_view k, T v)
      : key(k), value(fmt::format("{}", v)), quoted(false) {}

  std::string_view key;
  std::string value;
  bool quoted = true;
};

void write(Level level, std::string_view message, std::initializer_list<Field> fields);

inline void debug(std::string_view m, std::initializer_list<Field> f = {}) {
  if (enabled(Level::kDebug)) write(Level::kDebug, m, f);
}
inline void info(std::string_view m, std::initializer_list<Field> f = {}) {
  if (enabled(Level::kInfo)) write(Level::kInfo, m, f);
}
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) {
  if (enabled(Level::kWarn)) write(Level::kWarn, m, f);
}
inline void error(std::string_view m, std::initializer_list<Field> f = {}) {
  write(Level::kError, m, f);
}

}  // namespace portcullis::log
