// etc/os-release and usr/lib/os-release (os-release(5)): ID, VERSION_ID, PRETTY_NAME.
#include "analyze/analyzers.hpp"

namespace portcullis::analyze {
namespace {

std::string unquote(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    v = v.substr(1, v.size() - 2);
  }
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) ++i;
    out.push_back(v[i]);
  }
  return out;
}

class OsReleaseAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "os-release"; }
  int version() const override { return 1; }
  bool wants(std::string_view path) const override {
    return path == "etc/os-release" || path == "usr/lib/os-release" ||
           path == "etc/redhat-release" || path == "etc/centos-release";
  }
  size_t max_file_size() const override { return 64 * 1024; }
  Status analyze(const FileInput& file, LayerFindings& out) const override {
    auto os = file.path.ends_with("os-release") ? parse_os_release(file.content)
                                                : parse_redhat_release(file.content);
    if (!os.empty()) out.os[std::string(file.path)] = os;
    return Ok{};
  }
};

}  // namespace

OsInfo parse_os_release(std::string_view content) {
  OsInfo os;
  while (!content.empty()) {
    auto nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content = nl == std::string_view::npos ? std::string_view() : content.substr(nl + 1);
    auto eq = line.find('=');
    if (eq == std::string_view::npos || line.starts_with('#')) continue;
    auto key = line.substr(0, eq);
    auto value = unquote(line.substr(eq + 1));
    if (key == "ID")
      os.id = value;
    else if (key == "VERSION_ID")
      os.version_id = value;
    else if (key == "PRETTY_NAME")
      os.pretty_name = value;
  }
  return os;
}

OsInfo parse_redhat_release(std::string_view content) {
  // "CentOS release 5.11 (Final)", "CentOS Linux release 7.9.2009 (Core)",
  // "Red Hat Enterprise Linux Server release 7.9 (Maipo)".
  OsInfo os;
  auto nl = content.find('\n');
  std::string_view line = content.substr(0, nl);
  auto at = line.find(" release ");
  if (at == std::string_view::npos) return os;
  std::string_view product = line.substr(0, at);
  std::string_view rest = line.substr(at + 9);
  os.version_id = std::string(rest.substr(0, rest.find(' ')));
  if (product.starts_with("CentOS"))
    os.id = "centos";
  else if (product.starts_with("Red Hat"))
    os.id = "rhel";
  else if (product.starts_with("Fedora"))
    os.id = "fedora";
  else if (product.starts_with("Rocky"))
    os.id = "rocky";
  else if (product.starts_with("AlmaLinux"))
    os.id = "almalinux";
  os.pretty_name = std::string(line);
  if (os.id.empty()) os.version_id.clear();
  return os;
}

std::unique_ptr<Analyzer> make_os_release_analyzer() {
  return std::make_unique<OsReleaseAnalyzer>();
}

}  // namespace portcullis::analyze
