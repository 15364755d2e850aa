// Every analyzer, registered here and nowhere else: a new ecosystem is one file and one line.
#include "analyze/registry.hpp"

#include "analyze/analyzers.hpp"

namespace portcullis::analyze {

const std::vector<std::unique_ptr<Analyzer>>& analyzers() {
  static const auto kAnalyzers = [] {
    std::vector<std::unique_ptr<Analyzer>> v;
    v.push_back(make_os_release_analyzer());
    v.push_back(make_dpkg_analyzer());
    v.push_back(make_apk_analyzer());
    v.push_back(make_rpm_analyzer());
    v.push_back(make_npm_analyzer());
    v.push_back(make_npm_lock_analyzer());
    v.push_back(make_python_analyzer());
    v.push_back(make_java_analyzer());
    v.push_back(make_go_analyzer());
    v.push_back(make_secret_files_analyzer());
    return v;
  }();
  return kAnalyzers;
}

std::string analyzers_fingerprint() {
  std::string out;
  for (const auto& a : analyzers()) {
    out += std::string(a->name()) + "@" + std::to_string(a->version()) + ";";
  }
  return out;
}

}  // namespace portcullis::analyze
