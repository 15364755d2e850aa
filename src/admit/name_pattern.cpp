// Name pattern matching.
#include "admit/name_pattern.hpp"

namespace portcullis::admit {
namespace {

// Where the repository part of an image ends: at the tag's ":" (after the last "/") or "@".
size_t repository_end(std::string_view image) {
  size_t at = image.find('@');
  std::string_view name = image.substr(0, at);
  size_t slash = name.rfind('/');
  size_t colon = name.find(':', slash == std::string_view::npos ? 0 : slash);
  if (colon != std::string_view::npos) return colon;
  return at == std::string_view::npos ? image.size() : at;
}

}  // namespace

Status validate_name_pattern(std::string_view pattern) {
  auto bad = [&](std::string_view why) {
    return make_error(ErrorCode::kInvalidArgument, "namePattern \"{}\": {}", pattern, why);
  };
  if (pattern.empty()) return bad("empty");
  if (pattern.find_first_of(" \t\r\n") != std::string_view::npos) return bad("contains spaces");
  size_t star = pattern.find('*');
  if (star != std::string_view::npos) {
    std::string_view wildcard = pattern.substr(star);
    if (wildcard != "*" && wildcard != "**") {
      return bad("a wildcard is allowed only at the end, as * or **");
    }
    size_t slash = pattern.find('/');
    if (slash == std::string_view::npos || slash > star) {
      return bad("a wildcard is allowed only after the registry/ part");
    }
  }
  if (pattern.front() == '/' || pattern.find("//") != std::string_view::npos) {
    return bad("empty path segment");
  }
  return Ok{};
}

bool name_pattern_matches(std::string_view pattern, std::string_view image) {
  if (pattern.ends_with("**")) {
    return image.starts_with(pattern.substr(0, pattern.size() - 2));
  }
  if (pattern.ends_with("*")) {
    std::string_view prefix = pattern.substr(0, pattern.size() - 1);
    if (!image.starts_with(prefix)) return false;
    return image.substr(prefix.size()).find('/') == std::string_view::npos;
  }
  if (image == pattern) return true;
  // A repository pattern (no tag, no digest) matches every version of that repository.
  if (repository_end(pattern) == pattern.size()) {
    return image.size() > pattern.size() && image.starts_with(pattern) &&
           repository_end(image) == pattern.size();
  }
  return false;
}

}  // namespace portcullis::admit
