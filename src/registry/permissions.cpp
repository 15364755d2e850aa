// Grant matching.
#include "registry/permissions.hpp"

#include "oci/names.hpp"

namespace portcullis::registry {

Result<unsigned> parse_actions(std::string_view text) {
  unsigned actions = 0;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto a = text.substr(0, comma);
    if (a == "pull")
      actions |= kPull;
    else if (a == "push")
      actions |= kPush;
    else if (a == "delete")
      actions |= kDelete;
    else if (a == "*")
      actions |= kAllActions;
    else if (!a.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "action \"{}\" is not one of pull, push, delete, *", a);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  if (actions == 0) return make_error(ErrorCode::kInvalidArgument, "no actions given");
  return actions;
}

std::vector<std::string> action_names(unsigned actions) {
  std::vector<std::string> out;
  if (actions & kPull) out.emplace_back("pull");
  if (actions & kPush) out.emplace_back("push");
  if (actions & kDelete) out.emplace_back("delete");
  return out;
}

Result<std::string> normalize_grant_scope(std::string_view scope) {
  if (scope == "*") return std::string(scope);
  std::string_view name = scope;
  if (name.ends_with("/*")) name.remove_suffix(1);
  bool prefix = name.ends_with('/');
  std::string_view bare = prefix ? name.substr(0, name.size() - 1) : name;
  if (!oci::is_valid_repository_name(bare)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "scope \"{}\" is not a repository name, a namespace ending in \"/\", or *",
                      scope);
  }
  return std::string(name);
}

bool grant_scope_matches(std::string_view scope, std::string_view repository) {
  if (scope == "*") return true;
  if (scope.ends_with('/')) return repository.starts_with(scope);
  return scope == repository;
}

unsigned allowed_actions(const std::vector<store::Grant>& grants, std::string_view repository) {
  unsigned actions = 0;
  for (const auto& g : grants) {
    if (!grant_scope_matches(g.scope, repository)) continue;
    auto parsed = parse_actions(g.actions);
    if (parsed) actions |= *parsed;
  }
  return actions;
}

}  // namespace portcullis::registry
