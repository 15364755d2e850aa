// apk: lib/apk/db/installed (Alpine, Wolfi): P name, V version, A arch, o origin.
#include "analyze/analyzers.hpp"

namespace portcullis::analyze {
namespace {

class ApkAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "apk"; }
  int version() const override { return 1; }
  bool wants(std::string_view path) const override { return path == "lib/apk/db/installed"; }
  Status analyze(const FileInput& file, LayerFindings& out) const override {
    auto packages = parse_apk_installed(file.content);
    for (auto& p : packages) p.path = std::string(file.path);
    out.packages[std::string(file.path)] = std::move(packages);
    return Ok{};
  }
};

}  // namespace

std::vector<Package> parse_apk_installed(std::string_view content) {
  std::vector<Package> out;
  Package current;
  auto flush = [&] {
    if (!current.name.empty() && !current.version.empty()) {
      current.type = "apk";
      if (current.source_name.empty()) current.source_name = current.name;
      current.source_version = current.version;
      out.push_back(current);
    }
    current = Package{};
  };
  while (!content.empty()) {
    auto nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content = nl == std::string_view::npos ? std::string_view() : content.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      flush();
      continue;
    }
    if (line.size() < 2 || line[1] != ':') continue;
    std::string value(line.substr(2));
    switch (line[0]) {
      case 'P':
        current.name = value;
        break;
      case 'V':
        current.version = value;
        break;
      case 'A':
        current.arch = value;
        break;
      case 'o':
        current.source_name = value;
        break;
      default:
        break;
    }
  }
  flush();
  return out;
}

std::unique_ptr<Analyzer> make_apk_analyzer() { return std::make_unique<ApkAnalyzer>(); }

}  // namespace portcullis::analyze
