// Settings: configuration keys ("auth.anonymous_pull") read from flags, then PORTCULLIS_*
// environment variables, then a YAML file, then defaults — the first that has the key wins.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace portcullis {

class Settings {
 public:
  // Flattens the YAML mapping into dotted keys; errors name the file and line.
  Status load_yaml_file(const std::filesystem::path& path);
  Status load_yaml_string(std::string_view text, std::string_view origin);
  void set_flag(const std::string& key, std::string value);
  // Top-level sections of the file that another reader takes whole (lists of rules); they are
  // not flattened into keys. Call before loading.
  void set_sections(const std::vector<std::string>& sections) {
    sections_.insert(sections.begin(), sections.end());
  }

  // The environment variable for a key: "auth.anonymous_pull" -> PORTCULLIS_AUTH_ANONYMOUS_PULL.
  static std::string environment_name(std::string_view key);

  Result<std::string> get_string(const std::string& key, std::string fallback) const;
  Result<bool> get_bool(const std::string& key, bool fallback) const;
  Result<int64_t> get_int(const std::string& key, int64_t fallback) const;
  // "30s", "5m", "2h", "7d" or plain seconds.
  Result<std::chrono::seconds> get_duration(const std::string& key,
                                            std::chrono::seconds fallback) const;

  // Keys from the file that are not in `known`, with their origin ("file:line").
  std::vector<std::string> unknown_keys(const std::set<std::string>& known) const;

 private:
  struct Value {
    std::string text;
    std::string origin;  // "flag --x", "env PORTCULLIS_X", "config.yaml:12"
  };
  std::optional<Value> lookup(const std::string& key) const;

  std::map<std::string, Value> flags_;
  std::map<std::string, Value> file_;
  std::set<std::string> sections_;
};

Result<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace portcullis
