// The vouch configuration file.
#include <algorithm>

#include "base/file.hpp"
#include "base/yaml_json.hpp"
#include "pipeline/config_reader.hpp"
#include "pipeline/voucher.hpp"

namespace portcullis::pipeline {
namespace {

namespace fs = std::filesystem;

using Reader = ConfigReader;

Status check_name(const Reader& r, std::string_view name, std::string_view field) {
  const auto& known = voucher_check_names();
  if (std::find(known.begin(), known.end(), name) != known.end()) return Ok{};
  return r.error(field, fmt::format("unknown check \"{}\" (checks: snakeoil, nobody, diy, "
                                    "provenance, approved, policy)",
                                    name));
}

}  // namespace

const std::vector<std::string>& voucher_check_names() {
  static const std::vector<std::string> kNames = {"snakeoil",   "nobody",   "diy",
                                                  "provenance", "approved", "policy"};
  return kNames;
}

Result<VoucherConfig> load_voucher_config(const fs::path& path) {
  auto content = read_file(path);
  if (!content) return make_error(ErrorCode::kInvalidArgument, "{}", content.error().what());
  auto doc = parse_yaml_as_json(*content, path.string());
  if (!doc) return doc.error();
  Reader r{path.string(), path.parent_path()};
  if (!doc->is_object()) return r.error("(top)", "expected a mapping");
  VoucherConfig c;
  for (const auto& [key, v] : doc->items()) {
    if (key == "checks") {
      if (v.is_object()) {  // Voucher's [checks] table: {diy: true, ...}
        for (const auto& [name, on] : v.items()) {
          PORTCULLIS_TRY(check_name(r, name, "checks." + name));
          auto enabled = r.flag(on, "checks." + name);
          if (!enabled) return enabled.error();
          if (*enabled) c.checks.push_back(name);
        }
      } else {
        auto names = r.list(v, key);
        if (!names) return names.error();
        for (size_t i = 0; i < names->size(); ++i) {
          PORTCULLIS_TRY(check_name(r, (*names)[i], fmt::format("checks[{}]", i)));
        }
        c.checks = std::move(*names);
      }
    } else if (key == "dryrun") {
      auto d = r.flag(v, key);
      if (!d) return d.error();
      c.dryrun = *d;
    } else if (key == "failon") {
      auto t = r.text(v, key);
      if (!t) return t.error();
      auto s = policy::parse_severity(*t);
      if (!s)
        return r.error(
            key, fmt::format("\"{}\" is not one of negligible, low, medium, high, critical", *t));
      c.failon = *s;
    } else if (key == "db" || key == "policy" || key == "attestors" || key == "cache_dir") {
      auto p = r.path(v, key);
      if (!p) return p.error();
      (key == "db"          ? c.db
       : key == "policy"    ? c.policy
       : key == "attestors" ? c.attestors
                            : c.cache_dir) = *p;
    } else if (key == "valid_repos" || key == "trusted_builder_attestors" ||
               key == "trusted_source_repos" || key == "approved_attestors") {
      auto l = r.list(v, key);
      if (!l) return l.error();
      (key == "valid_repos"                 ? c.valid_repos
       : key == "trusted_builder_attestors" ? c.trusted_builder_attestors
       : key == "trusted_source_repos"      ? c.trusted_source_repos
                                            : c.approved_attestors) = std::move(*l);
    } else if (key == "platform") {
      auto t = r.text(v, key);
      if (!t) return t.error();
      c.platform = *t;
    } else if (key == "keys") {
      if (!v.is_object()) return r.error(key, "expected a mapping of check: key file");
      for (const auto& [name, k] : v.items()) {
        std::string field = "keys." + name;
        PORTCULLIS_TRY(check_name(r, name, field));
        CheckKey ck;
        const nlohmann::json& file = k.is_object() ? k.value("path", nlohmann::json()) : k;
        auto p = r.path(file, k.is_object() ? field + ".path" : field);
        if (!p) return p.error();
        ck.path = *p;
        if (k.is_object() && k.contains("algorithm")) {
          auto a = r.text(k["algorithm"], field + ".algorithm");
          if (!a) return a.error();
          if (auto parsed = sign::parse_algorithm(*a); !parsed) {
            return r.error(field + ".algorithm", parsed.error().message());
          }
          ck.algorithm = *a;
        }
        c.keys[name] = std::move(ck);
      }
    } else {
      return r.error(key, "unknown field");
    }
  }
  if (c.checks.empty()) return r.error("checks", "no check is enabled");
  return c;
}

}  // namespace portcullis::pipeline
