// JSON and table reports, and the format switch.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/json_text.hpp"
#include "sbom/writers.hpp"

namespace portcullis::sbom {

std::string write_json(const analyze::Inventory& inventory, const Subject& subject) {
  using nlohmann::json;
  json packages = json::array();
  for (const auto& p : inventory.packages) {
    packages.push_back({{"type", p.type},
                        {"name", p.name},
                        {"version", p.version},
                        {"source_name", p.source_name},
                        {"source_version", p.source_version},
                        {"arch", p.arch},
                        {"purl", p.purl},
                        {"layer_diff_id", p.layer_diff_id},
                        {"path", p.path}});
  }
  json declared = json::array();
  for (const auto& p : inventory.declared_only) {
    declared.push_back({{"type", p.type},
                        {"name", p.name},
                        {"version", p.version},
                        {"scope", p.scope},
                        {"declared_in", p.path},
                        {"installed", false}});
  }
  json doc = {{"image",
               {{"reference", subject.reference},
                {"manifest_digest", subject.manifest_digest},
                {"config_digest", subject.config_digest},
                {"platform", subject.platform}}},
              {"os",
               {{"id", inventory.os.id},
                {"version_id", inventory.os.version_id},
                {"pretty_name", inventory.os.pretty_name}}},
              {"packages", packages},
              {"declared_not_installed", declared},
              {"warnings", inventory.warnings}};
  return to_json_text(doc, 2) + "\n";
}

std::string write_table(const analyze::Inventory& inventory, const Subject& subject) {
  size_t w_type = 4, w_name = 4, w_version = 7;
  for (const auto& p : inventory.packages) {
    w_type = std::max(w_type, p.type.size());
    w_name = std::max(w_name, p.name.size());
    w_version = std::max(w_version, analyze::full_version(p).size());
  }
  std::string out = fmt::format("{} ({}){}\n", subject.reference, subject.platform,
                                inventory.os.empty() ? "" : ", " + inventory.os.pretty_name);
  out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", "TYPE", w_type, "NAME", w_name, "VERSION",
                     w_version, "PATH");
  for (const auto& p : inventory.packages) {
    out += fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", p.type, w_type, p.name, w_name, p.version,
                       w_version, p.path);
  }
  out += fmt::format("{} packages\n", inventory.packages.size());
  for (const auto& p : inventory.declared_only) {
    out += fmt::format("declared in {} but not installed: {} {} ({})\n", p.path, p.name, p.version,
                       p.scope);
  }
  return out;
}

Result<std::string> write(std::string_view format, const analyze::Inventory& inventory,
                          const Subject& subject) {
  if (format == "cyclonedx-json") return write_cyclonedx(inventory, subject);
  if (format == "spdx-json") return write_spdx(inventory, subject);
  if (format == "json") return write_json(inventory, subject);
  if (format == "table") return write_table(inventory, subject);
  return make_error(ErrorCode::kInvalidArgument,
                    "format \"{}\" is not one of cyclonedx-json, spdx-json, json, table", format);
}

}  // namespace portcullis::sbom
