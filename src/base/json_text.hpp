// JSON serialization that never throws: text taken from images and feeds may hold bytes that
// are not UTF-8 (a package name, an advisory field); they are written as U+FFFD instead of
// aborting the whole document.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace portcullis {

inline std::string to_json_text(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace portcullis
