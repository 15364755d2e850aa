// npm lockfiles (package-lock.json v1-v3, npm-shrinkwrap.json): what a project declares. The
// merge compares them with the installed node_modules: a declared package that is not
// installed is listed apart (Inventory::declared_only), never as installed.
#include <nlohmann/json.hpp>

#include "analyze/analyzers.hpp"

namespace portcullis::analyze {
namespace {

void add_v1(const nlohmann::json& deps, const std::string& prefix, const std::string& path,
            std::vector<Package>& out, int depth) {
  if (!deps.is_object() || depth > 64) return;
  for (const auto& [name, entry] : deps.items()) {
    if (!entry.is_object() || !entry.contains("version") || !entry["version"].is_string()) continue;
    Package p;
    p.type = kNpmLockType;
    p.name = name;
    p.version = entry["version"].get<std::string>();
    p.path = path;
    p.scope = entry.value("dev", false) ? "dev" : "prod";
    p.install_path = prefix + "node_modules/" + name;
    out.push_back(p);
    if (entry.contains("dependencies")) {
      add_v1(entry["dependencies"], p.install_path + "/", path, out, depth + 1);
    }
  }
}

class NpmLockAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "npm-lock"; }
  int version() const override { return 1; }
  bool wants(std::string_view path) const override {
    if (path.find("/node_modules/") != std::string_view::npos || path.starts_with("node_modules/"))
      return false;
    return path.ends_with("package-lock.json") || path.ends_with("npm-shrinkwrap.json");
  }
  size_t max_file_size() const override { return 64 * 1024 * 1024; }
  Status analyze(const FileInput& file, LayerFindings& out) const override {
    auto j = nlohmann::json::parse(file.content, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return make_error(ErrorCode::kInvalidArgument, "not a JSON object");
    std::string dir(file.path.substr(0, file.path.rfind('/') + 1));
    std::vector<Package> declared;
    if (j.contains("packages") && j["packages"].is_object()) {  // lockfileVersion 2 and 3
      for (const auto& [key, entry] : j["packages"].items()) {
        if (key.empty() || !entry.is_object() || entry.value("link", false)) continue;
        if (!entry.contains("version") || !entry["version"].is_string()) continue;
        auto at = key.rfind("node_modules/");
        if (at == std::string::npos) continue;
        Package p;
        p.type = kNpmLockType;
        p.name = entry.value("name", key.substr(at + 13));
        p.version = entry["version"].get<std::string>();
        p.path = std::string(file.path);
        p.scope = entry.value("dev", false) ? "dev" : "prod";
        p.install_path = dir + key;
        declared.push_back(std::move(p));
      }
    } else if (j.contains("dependencies")) {  // lockfileVersion 1
      add_v1(j["dependencies"], dir, std::string(file.path), declared, 0);
    }
    out.packages[std::string(file.path)] = std::move(declared);
    return Ok{};
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_npm_lock_analyzer() { return std::make_unique<NpmLockAnalyzer>(); }

}  // namespace portcullis::analyze
