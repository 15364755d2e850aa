// Python: installed distributions, *.dist-info/METADATA and *.egg-info/PKG-INFO (or a
// single-file *.egg-info), read as the core metadata headers Name and Version.
#include "analyze/analyzers.hpp"

namespace portcullis::analyze {
namespace {

class PythonAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "python"; }
  int version() const override { return 1; }
  bool wants(std::string_view path) const override {
    return path.ends_with(".dist-info/METADATA") || path.ends_with(".egg-info/PKG-INFO") ||
           path.ends_with(".egg-info");
  }
  size_t max_file_size() const override { return 8 * 1024 * 1024; }
  Status analyze(const FileInput& file, LayerFindings& out) const override {
    Package p;
    p.type = "python";
    std::string_view content = file.content;
    while (!content.empty()) {
      auto nl = content.find('\n');
      std::string_view line = content.substr(0, nl);
      content = nl == std::string_view::npos ? std::string_view() : content.substr(nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) break;  // the headers end at the first empty line
      auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      auto key = line.substr(0, colon);
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (key == "Name" && p.name.empty())
        p.name = value;
      else if (key == "Version" && p.version.empty())
        p.version = value;
    }
    if (p.name.empty() || p.version.empty()) return Ok{};
    p.path = std::string(file.path);
    out.packages[p.path] = {p};
    return Ok{};
  }
};

}  // namespace

// PEP 503 normalization: lowercase, runs of "-", "_", "." become one "-".
std::string normalize_python_name(std::string_view name) {
  std::string out;
  bool separator = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      separator = true;
      continue;
    }
    if (separator && !out.empty()) out.push_back('-');
    separator = false;
    out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  }
  return out;
}

std::unique_ptr<Analyzer> make_python_analyzer() { return std::make_unique<PythonAnalyzer>(); }

}  // namespace portcullis::analyze
