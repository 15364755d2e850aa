// Repository actions and the grants that allow them: a grant's scope is a repository name, a
// namespace prefix ending in "/" (every repository below it), or "*" (every repository).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/metadata_store.hpp"

namespace portcullis::registry {

enum Action : unsigned { kPull = 1, kPush = 2, kDelete = 4, kAllActions = 7 };

Result<unsigned> parse_actions(std::string_view text);
std::vector<std::string> action_names(unsigned actions);
Result<std::string> normalize_grant_scope(std::string_view scope);
bool grant_scope_matches(std::string_view scope, std::string_view repository);

// The actions grants give on one repository.
unsigned allowed_actions(const std::vector<store::Grant>& grants, std::string_view repository);

}  // namespace portcullis::registry
