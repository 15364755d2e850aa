// Small readers for feed documents: optional fields with the types feeds actually use.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace portcullis::vuln {

// The member, or nullptr when absent or not an object to look into.
inline const nlohmann::json* member(const nlohmann::json& object, std::string_view name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// A string member; numbers are given as their text; empty when absent or null.
inline std::string text(const nlohmann::json& object, std::string_view name) {
  const auto* v = member(object, name);
  if (v == nullptr) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number()) return v->dump();
  return {};
}

inline const nlohmann::json& array_or_empty(const nlohmann::json& object, std::string_view name) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  const auto* v = member(object, name);
  return v != nullptr && v->is_array() ? *v : kEmpty;
}

}  // namespace portcullis::vuln
