// Facts of the image config (OCI image-spec config.md: config.User, Env, Labels; created;
// history[].created_by) and the secrets written into them, which every copy of the image
// carries whatever its filesystem holds.
#include <nlohmann/json.hpp>

#include "analyze/scan.hpp"
#include "analyze/secrets.hpp"
#include "base/json_text.hpp"

namespace portcullis::analyze {
namespace {

void add_secrets(std::string_view text, const std::string& location, const std::string& path,
                 std::vector<Secret>& out) {
  for (auto& m : find_secrets(text)) {
    Secret s;
    s.rule = std::move(m.rule);
    s.location = location;
    s.path = path;
    s.masked = std::move(m.masked);
    out.push_back(std::move(s));
  }
}

}  // namespace

ImageConfigFacts read_config_facts(std::string_view config_json, std::vector<Secret>& secrets) {
  ImageConfigFacts facts;
  auto doc = nlohmann::json::parse(config_json, nullptr, false);
  if (!doc.is_object()) return facts;
  facts.created = string_field(doc, "created");
  auto config = doc.find("config");
  if (config != doc.end() && config->is_object()) {
    facts.user = string_field(*config, "User");
    auto env = config->find("Env");
    if (env != config->end() && env->is_array()) {
      for (const auto& e : *env) {
        if (!e.is_string()) continue;
        facts.env.push_back(e.get<std::string>());
        add_secrets(facts.env.back(), "env", fmt::format("config.Env[{}]", facts.env.size() - 1),
                    secrets);
      }
    }
    auto labels = config->find("Labels");
    if (labels != config->end() && labels->is_object()) {
      for (const auto& [key, value] : labels->items()) {
        if (!value.is_string()) continue;
        facts.labels.emplace_back(key, value.get<std::string>());
        // The key names what the value is: "…npm-token": "npm_…" is read as an assignment.
        add_secrets(key + "=" + value.get<std::string>(), "label",
                    fmt::format("config.Labels[{}]", key), secrets);
      }
    }
  }
  auto history = doc.find("history");
  if (history != doc.end() && history->is_array()) {
    for (size_t i = 0; i < history->size(); ++i) {
      std::string created_by = string_field((*history)[i], "created_by");
      facts.history.push_back(created_by);
      add_secrets(created_by, "history", fmt::format("history[{}].created_by", i), secrets);
    }
  }
  return facts;
}

}  // namespace portcullis::analyze
