// dpkg: var/lib/dpkg/status (installed packages only) and distroless var/lib/dpkg/status.d/*
// (one control stanza per file, no Status field), with the source package and version.
#include "analyze/analyzers.hpp"

namespace portcullis::analyze {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

class DpkgAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "dpkg"; }
  int version() const override { return 1; }
  bool wants(std::string_view path) const override {
    if (path == "var/lib/dpkg/status") return true;
    if (!path.starts_with("var/lib/dpkg/status.d/")) return false;
    auto rest = path.substr(22);
    // Distroless also ships <pkg>.md5sums beside the stanzas.
    return !rest.empty() && rest.find('/') == std::string_view::npos && !rest.ends_with(".md5sums");
  }
  Status analyze(const FileInput& file, LayerFindings& out) const override {
    bool status_file = file.path == "var/lib/dpkg/status";
    auto packages = parse_dpkg_status(file.content, status_file);
    for (auto& p : packages) p.path = std::string(file.path);
    out.packages[std::string(file.path)] = std::move(packages);
    return Ok{};
  }
};

}  // namespace

std::vector<Package> parse_dpkg_status(std::string_view content, bool require_installed) {
  std::vector<Package> out;
  Package current;
  std::string status;
  std::string source_field;
  auto flush = [&] {
    if (!current.name.empty() && !current.version.empty()) {
      // Status: want flag, error flag, state; only "installed" counts.
      bool installed = !require_installed || status.ends_with(" installed");
      if (installed) {
        current.type = "deb";
        current.source_name = current.name;
        current.source_version = current.version;
        if (!source_field.empty()) {
          auto paren = source_field.find('(');
          current.source_name = std::string(trim(std::string_view(source_field).substr(0, paren)));
          if (paren != std::string::npos) {
            auto close = source_field.find(')', paren);
            current.source_version = std::string(
                trim(std::string_view(source_field).substr(paren + 1, close - paren - 1)));
          }
        }
        out.push_back(current);
      }
    }
    current = Package{};
    status.clear();
    source_field.clear();
  };
  while (!content.empty()) {
    auto nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content = nl == std::string_view::npos ? std::string_view() : content.substr(nl + 1);
    if (trim(line).empty()) {
      flush();
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') continue;  // continuation of a field
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto key = line.substr(0, colon);
    auto value = std::string(trim(line.substr(colon + 1)));
    if (key == "Package")
      current.name = value;
    else if (key == "Version")
      current.version = value;
    else if (key == "Architecture")
      current.arch = value;
    else if (key == "Status")
      status = value;
    else if (key == "Source")
      source_field = value;
  }
  flush();
  return out;
}

std::unique_ptr<Analyzer> make_dpkg_analyzer() { return std::make_unique<DpkgAnalyzer>(); }

}  // namespace portcullis::analyze
