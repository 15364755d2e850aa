// Reading configuration documents (YAML parsed as JSON, every scalar a string) with errors that
// name the file and the field path: the Voucher file and the pipeline's sections.
#pragma once

#include <charconv>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/settings.hpp"

namespace portcullis::pipeline {

struct ConfigReader {
  std::string file;
  std::filesystem::path dir;  // relative paths are taken from here

  Error error(std::string_view field, std::string_view message) const {
    return make_error(ErrorCode::kInvalidArgument, "{}: {}: {}", file, field, message);
  }
  Result<std::string> text(const nlohmann::json& v, std::string_view field) const {
    if (!v.is_string()) return error(field, "expected a string");
    return v.get<std::string>();
  }
  Result<std::filesystem::path> path(const nlohmann::json& v, std::string_view field) const {
    auto t = text(v, field);
    if (!t) return t.error();
    if (t->empty()) return error(field, "empty path");
    std::filesystem::path p(*t);
    return p.is_absolute() ? p : dir / p;
  }
  Result<std::vector<std::string>> list(const nlohmann::json& v, std::string_view field) const {
    if (v.is_null()) return std::vector<std::string>();
    if (!v.is_array()) return error(field, "expected a list");
    std::vector<std::string> out;
    for (size_t i = 0; i < v.size(); ++i) {
      auto t = text(v[i], fmt::format("{}[{}]", field, i));
      if (!t) return t.error();
      out.push_back(*t);
    }
    return out;
  }
  Result<bool> flag(const nlohmann::json& v, std::string_view field) const {
    auto t = text(v, field);
    if (!t) return t.error();
    if (*t == "true") return true;
    if (*t == "false") return false;
    return error(field, fmt::format("\"{}\" is not true or false", *t));
  }
  Result<int> number(const nlohmann::json& v, std::string_view field, int min) const {
    auto t = text(v, field);
    if (!t) return t.error();
    int n = 0;
    auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), n);
    if (ec != std::errc() || end != t->data() + t->size() || n < min) {
      return error(field, fmt::format("\"{}\" is not a whole number of at least {}", *t, min));
    }
    return n;
  }
  Result<std::chrono::seconds> duration(const nlohmann::json& v, std::string_view field) const {
    auto t = text(v, field);
    if (!t) return t.error();
    auto d = parse_duration(*t);
    if (!d) return error(field, d.error().message());
    if (d->count() == 0) return error(field, "must be more than 0s");
    return *d;
  }
};

}  // namespace portcullis::pipeline
