// YAML documents as JSON values, so one reader serves feeds published in either form (OSV as
// JSON or YAML, Alpine secdb as JSON or YAML). Every scalar stays the exact text it was written
// as (a version "2.10" is not the number 2.1); `~`/null and empty values become JSON null.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/result.hpp"

namespace portcullis {

// `name` is used in errors ("FILE:LINE:COLUMN: message").
Result<nlohmann::json> parse_yaml_as_json(std::string_view text, std::string_view name);

}  // namespace portcullis
