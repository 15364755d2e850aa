// Inventory <-> JSON.
#include "analyze/inventory_json.hpp"

namespace portcullis::analyze {

using nlohmann::json;

json package_json(const Package& p) {
  return {{"type", p.type},
          {"name", p.name},
          {"version", p.version},
          {"source_name", p.source_name},
          {"source_version", p.source_version},
          {"arch", p.arch},
          {"purl", p.purl},
          {"layer_diff_id", p.layer_diff_id},
          {"path", p.path},
          {"epoch", p.epoch},
          {"release", p.release},
          {"scope", p.scope},
          {"install_path", p.install_path}};
}

Package package_from(const json& j) {
  Package p;
  p.type = j.value("type", "");
  p.name = j.value("name", "");
  p.version = j.value("version", "");
  p.source_name = j.value("source_name", "");
  p.source_version = j.value("source_version", "");
  p.arch = j.value("arch", "");
  p.purl = j.value("purl", "");
  p.layer_diff_id = j.value("layer_diff_id", "");
  p.path = j.value("path", "");
  p.epoch = j.value("epoch", "");
  p.release = j.value("release", "");
  p.scope = j.value("scope", "");
  p.install_path = j.value("install_path", "");
  return p;
}

json inventory_json(const Inventory& inv) {
  json packages = json::array();
  for (const auto& p : inv.packages) packages.push_back(package_json(p));
  json declared = json::array();
  for (const auto& p : inv.declared_only) declared.push_back(package_json(p));
  json secrets = json::array();
  for (const auto& s : inv.secrets) {
    secrets.push_back({{"rule", s.rule},
                       {"location", s.location},
                       {"path", s.path},
                       {"line", s.line},
                       {"layer_diff_id", s.layer_diff_id},
                       {"in_final_fs", s.in_final_fs},
                       {"removed_by_layer", s.removed_by_layer},
                       {"masked", s.masked}});
  }
  json special = json::array();
  for (const auto& f : inv.special_files) {
    special.push_back({{"path", f.path}, {"mode", f.mode}, {"layer_diff_id", f.layer_diff_id}});
  }
  json labels = json::array();
  for (const auto& [k, v] : inv.config.labels) labels.push_back({k, v});
  return {
      {"os",
       {{"id", inv.os.id}, {"version_id", inv.os.version_id}, {"pretty_name", inv.os.pretty_name}}},
      {"packages", packages},
      {"declared_only", declared},
      {"secrets", secrets},
      {"special_files", special},
      {"package_managers", inv.package_managers},
      {"config",
       {{"user", inv.config.user},
        {"created", inv.config.created},
        {"env", inv.config.env},
        {"labels", labels},
        {"history", inv.config.history}}},
      {"warnings", inv.warnings}};
}

Result<Inventory> inventory_from(const json& j) {
  try {
    Inventory inv;
    const auto& os = j.at("os");
    inv.os = {os.at("id").get<std::string>(), os.at("version_id").get<std::string>(),
              os.at("pretty_name").get<std::string>()};
    for (const auto& p : j.at("packages")) inv.packages.push_back(package_from(p));
    for (const auto& p : j.at("declared_only")) inv.declared_only.push_back(package_from(p));
    for (const auto& s : j.at("secrets")) {
      inv.secrets.push_back(
          Secret{s.at("rule").get<std::string>(), s.at("location").get<std::string>(),
                 s.at("path").get<std::string>(), s.at("line").get<int>(),
                 s.at("layer_diff_id").get<std::string>(), s.at("in_final_fs").get<bool>(),
                 s.at("removed_by_layer").get<std::string>(), s.at("masked").get<std::string>()});
    }
    for (const auto& f : j.at("special_files")) {
      inv.special_files.push_back(SpecialFile{f.at("path").get<std::string>(),
                                              f.at("mode").get<uint32_t>(),
                                              f.at("layer_diff_id").get<std::string>()});
    }
    inv.package_managers = j.at("package_managers").get<std::vector<std::string>>();
    const auto& c = j.at("config");
    inv.config.user = c.at("user").get<std::string>();
    inv.config.created = c.at("created").get<std::string>();
    inv.config.env = c.at("env").get<std::vector<std::string>>();
    for (const auto& l : c.at("labels"))
      inv.config.labels.emplace_back(l.at(0).get<std::string>(), l.at(1).get<std::string>());
    inv.config.history = c.at("history").get<std::vector<std::string>>();
    inv.warnings = j.at("warnings").get<std::vector<std::string>>();
    return inv;
  } catch (const json::exception& e) {
    return make_error(ErrorCode::kCorrupt, "stored inventory: {}", e.what());
  }
}

}  // namespace portcullis::analyze
