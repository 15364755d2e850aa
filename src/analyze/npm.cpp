// npm: installed packages, node_modules/<name>/package.json and node_modules/@scope/<name>/...
// (a project's own package.json, outside node_modules, is the application, not a dependency).
#include <nlohmann/json.hpp>

#include "analyze/analyzers.hpp"

namespace portcullis::analyze {
namespace {

// True for ".../node_modules/<name>/package.json" and
// ".../node_modules/@scope/<name>/package.json".
bool is_installed_manifest(std::string_view path) {
  if (!path.ends_with("/package.json")) return false;
  std::string_view dir = path.substr(0, path.size() - 13);
  auto slash = dir.rfind('/');
  if (slash == std::string_view::npos) return false;
  std::string_view parent = dir.substr(0, slash);
  if (parent.ends_with("node_modules") &&
      (parent.size() == 12 || parent[parent.size() - 13] == '/')) {
    return !dir.substr(slash + 1).starts_with('@');
  }
  auto scope_slash = parent.rfind('/');
  if (scope_slash == std::string_view::npos || parent[scope_slash + 1] != '@') return false;
  std::string_view grand = parent.substr(0, scope_slash);
  return grand.ends_with("node_modules") && (grand.size() == 12 || grand[grand.size() - 13] == '/');
}

class NpmAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "npm"; }
  int version() const override { return 1; }
  bool wants(std::string_view path) const override { return is_installed_manifest(path); }
  size_t max_file_size() const override { return 4 * 1024 * 1024; }
  Status analyze(const FileInput& file, LayerFindings& out) const override {
    auto j = nlohmann::json::parse(file.content, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return make_error(ErrorCode::kInvalidArgument, "not a JSON object");
    }
    auto name = j.find("name");
    auto version = j.find("version");
    if (name == j.end() || version == j.end() || !name->is_string() || !version->is_string()) {
      return Ok{};  // a package.json without name and version is not a package
    }
    Package p;
    p.type = "npm";
    p.name = name->get<std::string>();
    p.version = version->get<std::string>();
    p.path = std::string(file.path);
    out.packages[p.path] = {p};
    return Ok{};
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_npm_analyzer() { return std::make_unique<NpmAnalyzer>(); }

}  // namespace portcullis::analyze
