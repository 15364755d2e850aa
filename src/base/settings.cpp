// Settings lookup and YAML flattening.
#include "base/settings.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <cstdlib>

#include "base/file.hpp"

namespace portcullis {
namespace {

void flatten(const YAML::Node& node, const std::string& prefix, std::string_view origin,
             std::map<std::string, std::string>& values, std::map<std::string, int>& lines) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      std::string key = entry.first.as<std::string>();
      std::string path = prefix;
      if (!path.empty()) path += '.';
      path += key;
      flatten(entry.second, path, origin, values, lines);
    }
    return;
  }
  if (node.IsSequence()) {
    std::string joined;
    for (const auto& item : node) {
      if (!joined.empty()) joined += ",";
      joined += item.as<std::string>();
    }
    values[prefix] = joined;
  } else if (node.IsScalar()) {
    values[prefix] = node.as<std::string>();
  } else {
    values[prefix] = "";
  }
  lines[prefix] = node.Mark().line + 1;
}

}  // namespace

Result<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.empty()) return make_error(ErrorCode::kInvalidArgument, "empty duration");
  int64_t number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || number < 0) {
    return make_error(ErrorCode::kInvalidArgument, "duration \"{}\" does not start with a number",
                      text);
  }
  std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  int64_t scale = 0;
  if (unit.empty() || unit == "s")
    scale = 1;
  else if (unit == "m")
    scale = 60;
  else if (unit == "h")
    scale = 3600;
  else if (unit == "d")
    scale = 86400;
  else {
    return make_error(ErrorCode::kInvalidArgument, "duration \"{}\": unit must be s, m, h or d",
                      text);
  }
  return std::chrono::seconds(number * scale);
}

Status Settings::load_yaml_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  return load_yaml_string(*text, path.string());
}

Status Settings::load_yaml_string(std::string_view text, std::string_view origin) {
  std::map<std::string, std::string> values;
  std::map<std::string, int> lines;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsNull() && !root.IsMap()) {
      return make_error(ErrorCode::kInvalidArgument, "{}:{}: the configuration must be a mapping",
                        origin, root.Mark().line + 1);
    }
    if (!root.IsNull()) {
      for (const auto& entry : root) {
        std::string key = entry.first.as<std::string>();
        if (sections_.count(key) != 0) continue;  // read by their own module
        flatten(entry.second, key, origin, values, lines);
      }
    }
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidArgument, "{}:{}:{}: {}", origin, e.mark.line + 1,
                      e.mark.column + 1, e.msg);
  }
  for (auto& [key, value] : values) {
    file_[key] = Value{value, fmt::format("{}:{}", origin, lines[key])};
  }
  return Ok{};
}

void Settings::set_flag(const std::string& key, std::string value) {
  flags_[key] = Value{std::move(value), "flag for " + key};
}

std::string Settings::environment_name(std::string_view key) {
  std::string name = "PORTCULLIS_";
  for (char c : key) {
    name.push_back(c == '.' || c == '-' ? '_' : static_cast<char>(std::toupper(c)));
  }
  return name;
}

std::optional<Settings::Value> Settings::lookup(const std::string& key) const {
  if (auto it = flags_.find(key); it != flags_.end()) return it->second;
  std::string env = environment_name(key);
  if (const char* value = std::getenv(env.c_str()); value != nullptr) {
    return Value{value, "environment variable " + env};
  }
  if (auto it = file_.find(key); it != file_.end()) return it->second;
  return std::nullopt;
}

Result<std::string> Settings::get_string(const std::string& key, std::string fallback) const {
  auto value = lookup(key);
  return value ? value->text : std::move(fallback);
}

Result<bool> Settings::get_bool(const std::string& key, bool fallback) const {
  auto value = lookup(key);
  if (!value) return fallback;
  const std::string& t = value->text;
  if (t == "true" || t == "1" || t == "yes" || t == "on") return true;
  if (t == "false" || t == "0" || t == "no" || t == "off") return false;
  return make_error(ErrorCode::kInvalidArgument, "{}: {} must be true or false, not \"{}\"",
                    value->origin, key, t);
}

Result<int64_t> Settings::get_int(const std::string& key, int64_t fallback) const {
  auto value = lookup(key);
  if (!value) return fallback;
  int64_t number = 0;
  const std::string& t = value->text;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), number);
  if (ec != std::errc() || end != t.data() + t.size()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {} must be an integer, not \"{}\"",
                      value->origin, key, t);
  }
  return number;
}

Result<std::chrono::seconds> Settings::get_duration(const std::string& key,
                                                    std::chrono::seconds fallback) const {
  auto value = lookup(key);
  if (!value) return fallback;
  auto parsed = parse_duration(value->text);
  if (!parsed) return parsed.error().context("{}: {}", value->origin, key);
  return parsed;
}

std::vector<std::string> Settings::unknown_keys(const std::set<std::string>& known) const {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : file_) {
    if (!known.contains(key)) unknown.push_back(value.origin + ": unknown key \"" + key + "\"");
  }
  return unknown;
}

}  // namespace portcullis
