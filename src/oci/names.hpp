// Repository names and tags as the distribution spec defines them.
#pragma once

#include <string_view>

namespace portcullis::oci {

// distribution-spec: <name> matches
// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*
bool is_valid_repository_name(std::string_view name);

// distribution-spec: <reference> as a tag matches [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}
bool is_valid_tag(std::string_view tag);

}  // namespace portcullis::oci
