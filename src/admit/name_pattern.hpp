// admissionWhitelistPatterns[].namePattern, as Binary Authorization documents it: an image path
// "registry/path/to/image", with an optional trailing `*` (any characters except "/": one path
// segment, also a tag after ":") or trailing `**` (anything, subdirectories included), allowed
// only after the "registry/" part; a pattern with no tag or digest names a repository and
// matches every tag and digest of it; ":tag" and "@sha256:…" match that version exactly.
#pragma once

#include <string_view>

#include "base/result.hpp"

namespace portcullis::admit {

// Ok, or why the pattern is malformed (empty, spaces, a wildcard not at the end, a wildcard in
// the registry part, more than two `*`).
Status validate_name_pattern(std::string_view pattern);

// Whether `image` (as a pod spec writes it) matches a valid pattern.
bool name_pattern_matches(std::string_view pattern, std::string_view image);

}  // namespace portcullis::admit
