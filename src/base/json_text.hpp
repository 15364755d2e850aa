// JSON helpers that never throw. Serialization: text taken from images and feeds may hold bytes
// that are not UTF-8 (a package name, an advisory field); they are written as U+FFFD instead of
// aborting the whole document. Reading: a string member, or empty when absent or not a string.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace portcullis {

inline std::string to_json_text(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline std::string string_field(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace portcullis
