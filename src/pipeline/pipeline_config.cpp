// Reading the pipeline's sections of the server configuration.
#include <algorithm>

#include "admit/name_pattern.hpp"
#include "base/file.hpp"
#include "base/yaml_json.hpp"
#include "pipeline/config.hpp"
#include "pipeline/config_reader.hpp"
#include "pipeline/voucher.hpp"

namespace portcullis::pipeline {
namespace {

using nlohmann::json;

// Calls `field(key, value, path)` for each key of a mapping; unknown keys are errors.
template <typename F>
Status each_field(const ConfigReader& r, const json& map, const std::string& where,
                  std::initializer_list<std::string_view> allowed, F&& field) {
  if (!map.is_object()) return r.error(where, "expected a mapping");
  for (const auto& [key, v] : map.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string names;
      for (auto a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
      return r.error(where + "." + key, "unknown field (fields: " + names + ")");
    }
    PORTCULLIS_TRY(field(key, v, where + "." + key));
  }
  return Ok{};
}

template <typename F>
Status each_item(const ConfigReader& r, const json& list, const std::string& where, F&& item) {
  if (!list.is_array()) return r.error(where, "expected a list");
  for (size_t i = 0; i < list.size(); ++i) {
    PORTCULLIS_TRY(item(list[i], fmt::format("{}[{}]", where, i)));
  }
  return Ok{};
}

Status pattern(const ConfigReader& r, const std::string& p, const std::string& field) {
  if (auto ok = admit::validate_name_pattern(p); !ok) return r.error(field, ok.error().message());
  return Ok{};
}

template <typename T>
Status assign(Result<T> value, T& into) {
  if (!value) return value.error();
  into = std::move(*value);
  return Ok{};
}

Status read_upstream(const ConfigReader& r, const json& v, const std::string& where, Upstream& u) {
  PORTCULLIS_TRY(each_field(
      r, v, where, {"registry", "repository", "username", "password", "password_env", "tls_verify"},
      [&](const std::string& key, const json& x, const std::string& f) -> Status {
        if (key == "tls_verify") return assign(r.flag(x, f), u.tls_verify);
        std::string t;
        PORTCULLIS_TRY(assign(r.text(x, f), t));
        if (key == "registry") u.registry = t;
        if (key == "repository") u.repository = t;
        if (key == "username") u.username = t;
        if (key == "password") u.password = t;
        if (key == "password_env") {
          const char* env = std::getenv(t.c_str());
          if (env == nullptr) return r.error(f, fmt::format("${} is not set", t));
          u.password = env;
        }
        return Ok{};
      }));
  if (u.registry.empty()) return r.error(where + ".registry", "missing");
  if (u.repository.empty()) return r.error(where + ".repository", "missing");
  return Ok{};
}

Status read_repository(const ConfigReader& r, const json& v, const std::string& where,
                       PipelineConfig& c) {
  RepositoryRule rule;
  PORTCULLIS_TRY(each_field(
      r, v, where,
      {"pattern", "scan_on_push", "immutable_tags", "retention", "require_attestations_by"},
      [&](const std::string& key, const json& x, const std::string& f) -> Status {
        if (key == "pattern") {
          PORTCULLIS_TRY(assign(r.text(x, f), rule.pattern));
          return pattern(r, rule.pattern, f);
        }
        if (key == "scan_on_push") return assign(r.flag(x, f), rule.scan_on_push);
        if (key == "immutable_tags") return assign(r.flag(x, f), rule.immutable_tags);
        if (key == "require_attestations_by")
          return assign(r.list(x, f), rule.require_attestations_by);
        return each_field(r, x, f, {"keep_tags", "untagged_days"},
                          [&](const std::string& k, const json& y, const std::string& g) {
                            auto n = r.number(y, g, k == "keep_tags" ? 1 : 0);
                            if (!n) return Status(n.error());
                            (k == "keep_tags" ? rule.keep_tags : rule.untagged_days) = *n;
                            return Status(Ok{});
                          });
      }));
  if (rule.pattern.empty()) return r.error(where + ".pattern", "missing");
  c.repositories.push_back(std::move(rule));
  return Ok{};
}

template <typename T>
Status assign_optional(Result<T> value, std::optional<T>& into) {
  if (!value) return value.error();
  into = std::move(*value);
  return Ok{};
}

Status read_scanning(const ConfigReader& r, const json& v, PipelineConfig& c) {
  auto& s = c.scanning;
  return each_field(
      r, v, "scanning",
      {"db", "workers", "cache_dir", "layer_cache", "policies", "platform", "db_check_interval"},
      [&](const std::string& key, const json& x, const std::string& f) -> Status {
        if (key == "db") return assign_optional(r.path(x, f), s.db);
        if (key == "cache_dir") return assign_optional(r.path(x, f), s.cache_dir);
        if (key == "workers") return assign(r.number(x, f, 1), s.workers);
        if (key == "layer_cache") return assign(r.flag(x, f), s.layer_cache);
        if (key == "platform") return assign(r.text(x, f), s.platform);
        if (key == "db_check_interval") return assign(r.duration(x, f), s.db_check_interval);
        if (!x.is_object()) return r.error(f, "expected a mapping of name: policy file");
        for (const auto& [name, file] : x.items()) {
          auto p = r.path(file, f + "." + name);
          if (!p) return p.error();
          auto loaded = policy::load_policy(*p);
          if (!loaded) return r.error(f + "." + name, loaded.error().what());
          s.policies[name] = *p;
        }
        return Ok{};
      });
}

Status read_conditions(const ConfigReader& r, const json& v, const std::string& where,
                       PromotionConditions& w) {
  return each_field(r, v, where, {"max", "fixable_only", "policy", "checks", "attestations"},
                    [&](const std::string& key, const json& x, const std::string& f) -> Status {
                      if (key == "fixable_only") return assign(r.flag(x, f), w.fixable_only);
                      if (key == "policy") return assign_optional(r.text(x, f), w.policy);
                      if (key == "attestations") return assign(r.list(x, f), w.attestations);
                      if (key == "checks") {
                        PORTCULLIS_TRY(assign(r.list(x, f), w.checks));
                        const auto& known = voucher_check_names();
                        for (const auto& check : w.checks) {
                          if (std::find(known.begin(), known.end(), check) == known.end())
                            return r.error(f, fmt::format("unknown check \"{}\"", check));
                        }
                        return Ok{};
                      }
                      if (!x.is_object())
                        return r.error(f, "expected a mapping of severity: count");
                      for (const auto& [name, count] : x.items()) {
                        auto severity = policy::parse_severity(name);
                        if (!severity)
                          return r.error(f + "." + name,
                                         "not one of critical, high, medium, low, negligible, "
                                         "unknown");
                        auto n = r.number(count, f + "." + name, 0);
                        if (!n) return n.error();
                        w.max[*severity] = *n;
                      }
                      return Ok{};
                    });
}

Status check_target(const ConfigReader& r, const std::string& to, const std::string& field) {
  auto colon = to.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == to.size())
    return r.error(field, "expected REPOSITORY:TAG (placeholders {repository}, {path}, {tag})");
  for (size_t open = to.find('{'); open != std::string::npos; open = to.find('{', open + 1)) {
    auto close = to.find('}', open);
    auto name = to.substr(open, close == std::string::npos ? std::string::npos : close - open + 1);
    if (name != "{tag}" && name != "{repository}" && name != "{path}")
      return r.error(field, fmt::format("unknown placeholder {} (use {{repository}}, {{path}}, "
                                        "{{tag}})",
                                        name));
  }
  return Ok{};
}

Status read_promotion(const ConfigReader& r, const json& v, const std::string& where,
                      PipelineConfig& c) {
  PromotionRule rule;
  PORTCULLIS_TRY(
      each_field(r, v, where, {"name", "from", "to", "when"},
                 [&](const std::string& key, const json& x, const std::string& f) -> Status {
                   if (key == "name") return assign(r.text(x, f), rule.name);
                   if (key == "from") {
                     PORTCULLIS_TRY(assign(r.text(x, f), rule.from));
                     return pattern(r, rule.from, f);
                   }
                   if (key == "to") {
                     PORTCULLIS_TRY(assign(r.text(x, f), rule.to));
                     return check_target(r, rule.to, f);
                   }
                   return read_conditions(r, x, f, rule.when);
                 }));
  if (rule.from.empty()) return r.error(where + ".from", "missing");
  if (rule.to.empty()) return r.error(where + ".to", "missing");
  if (rule.name.empty()) rule.name = rule.from + " -> " + rule.to;
  if (rule.when.policy && *rule.when.policy != "default" &&
      c.scanning.policies.count(*rule.when.policy) == 0) {
    return r.error(where + ".when.policy",
                   fmt::format("no scan policy \"{}\" in scanning.policies", *rule.when.policy));
  }
  c.promotions.push_back(std::move(rule));
  return Ok{};
}

Status read_mirror(const ConfigReader& r, const json& v, const std::string& where,
                   PipelineConfig& c) {
  MirrorRule m;
  PORTCULLIS_TRY(
      each_field(r, v, where, {"name", "upstream", "tags", "to", "interval"},
                 [&](const std::string& key, const json& x, const std::string& f) -> Status {
                   if (key == "name") return assign(r.text(x, f), m.name);
                   if (key == "upstream") return read_upstream(r, x, f, m.upstream);
                   if (key == "tags") return assign(r.list(x, f), m.tags);
                   if (key == "to") return assign(r.text(x, f), m.to);
                   return assign(r.duration(x, f), m.interval);
                 }));
  if (m.to.empty()) return r.error(where + ".to", "missing");
  if (m.upstream.registry.empty()) return r.error(where + ".upstream", "missing");
  if (m.name.empty()) m.name = m.upstream.registry + "/" + m.upstream.repository;
  c.mirrors.push_back(std::move(m));
  return Ok{};
}

Status read_push_mirror(const ConfigReader& r, const json& v, const std::string& where,
                        PipelineConfig& c) {
  PushMirrorRule m;
  PORTCULLIS_TRY(
      each_field(r, v, where, {"name", "from", "to"},
                 [&](const std::string& key, const json& x, const std::string& f) -> Status {
                   if (key == "name") return assign(r.text(x, f), m.name);
                   if (key == "to") return read_upstream(r, x, f, m.to);
                   PORTCULLIS_TRY(assign(r.text(x, f), m.from));
                   return pattern(r, m.from, f);
                 }));
  if (m.from.empty()) return r.error(where + ".from", "missing");
  if (m.to.registry.empty()) return r.error(where + ".to", "missing");
  if (m.name.empty()) m.name = m.from + " -> " + m.to.registry;
  c.push_mirrors.push_back(std::move(m));
  return Ok{};
}

Status read_webhook(const ConfigReader& r, const json& v, const std::string& where,
                    PipelineConfig& c) {
  WebhookTarget w;
  PORTCULLIS_TRY(
      each_field(r, v, where, {"name", "url", "secret", "secret_env", "events", "tls_verify"},
                 [&](const std::string& key, const json& x, const std::string& f) -> Status {
                   if (key == "name") return assign(r.text(x, f), w.name);
                   if (key == "url") return assign(r.text(x, f), w.url);
                   if (key == "secret") return assign(r.text(x, f), w.secret);
                   if (key == "tls_verify") return assign(r.flag(x, f), w.tls_verify);
                   if (key == "secret_env") {
                     auto name = r.text(x, f);
                     if (!name) return name.error();
                     const char* env = std::getenv(name->c_str());
                     if (env == nullptr) return r.error(f, fmt::format("${} is not set", *name));
                     w.secret = env;
                     return Ok{};
                   }
                   PORTCULLIS_TRY(assign(r.list(x, f), w.events));
                   const auto& known = event_names();
                   for (const auto& e : w.events) {
                     if (std::find(known.begin(), known.end(), e) == known.end())
                       return r.error(f, fmt::format("unknown event \"{}\"", e));
                   }
                   return Ok{};
                 }));
  if (!w.url.starts_with("http://") && !w.url.starts_with("https://"))
    return r.error(where + ".url", "expected an http:// or https:// URL");
  if (w.name.empty()) w.name = w.url;
  c.webhooks.push_back(std::move(w));
  return Ok{};
}

}  // namespace

const std::vector<std::string>& pipeline_sections() {
  static const std::vector<std::string> kSections = {"repositories", "scanning",     "promotions",
                                                     "mirrors",      "push_mirrors", "webhooks"};
  return kSections;
}

const std::vector<std::string>& event_names() {
  static const std::vector<std::string> kNames = {"push",           "delete",
                                                  "scan_completed", "verdict_changed",
                                                  "promotion",      "promotion_refused",
                                                  "mirror_failed"};
  return kNames;
}

bool glob_matches(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const RepositoryRule* PipelineConfig::rule_for(std::string_view repository) const {
  for (const auto& rule : repositories) {
    if (admit::name_pattern_matches(rule.pattern, repository)) return &rule;
  }
  return nullptr;
}

Result<PipelineConfig> load_pipeline_config(const std::filesystem::path& path) {
  auto content = read_file(path);
  if (!content) return content.error();
  return parse_pipeline_config(*content, path.string(), path.parent_path());
}

Result<PipelineConfig> parse_pipeline_config(std::string_view text, const std::string& name,
                                             const std::filesystem::path& dir) {
  auto doc = parse_yaml_as_json(text, name);
  if (!doc) return doc.error();
  ConfigReader r{name, dir};
  PipelineConfig c;
  if (!doc->is_object()) return c;
  // scanning first: promotions name its policies.
  if (doc->contains("scanning")) PORTCULLIS_TRY(read_scanning(r, (*doc)["scanning"], c));
  for (const auto& [key, v] : doc->items()) {
    if (key == "repositories") {
      PORTCULLIS_TRY(each_item(r, v, key, [&](const json& x, const std::string& f) {
        return read_repository(r, x, f, c);
      }));
    } else if (key == "promotions") {
      PORTCULLIS_TRY(each_item(r, v, key, [&](const json& x, const std::string& f) {
        return read_promotion(r, x, f, c);
      }));
    } else if (key == "mirrors") {
      PORTCULLIS_TRY(each_item(
          r, v, key, [&](const json& x, const std::string& f) { return read_mirror(r, x, f, c); }));
    } else if (key == "push_mirrors") {
      PORTCULLIS_TRY(each_item(r, v, key, [&](const json& x, const std::string& f) {
        return read_push_mirror(r, x, f, c);
      }));
    } else if (key == "webhooks") {
      PORTCULLIS_TRY(each_item(r, v, key, [&](const json& x, const std::string& f) {
        return read_webhook(r, x, f, c);
      }));
    }
  }
  return c;
}

}  // namespace portcullis::pipeline
