// Package URLs (github.com/package-url/purl-spec): type/namespace/name@version?qualifiers.
#include <map>

#include "analyze/analyzers.hpp"
#include "analyze/inventory.hpp"
#include "base/encoding.hpp"

namespace portcullis::analyze {

std::string full_version(const Package& p) {
  if (p.type != "rpm") return p.version;
  std::string v = p.epoch.empty() ? "" : p.epoch + ":";
  v += p.version;
  if (!p.release.empty()) v += "-" + p.release;
  return v;
}

std::string bom_ref(const Package& p) { return p.purl + "#" + p.path; }

std::string make_purl(const Package& p, const OsInfo& os) {
  std::map<std::string, std::string> qualifiers;
  std::string type = p.type;
  std::string purl_namespace;
  if (p.type == "deb" || p.type == "apk" || p.type == "rpm") {
    purl_namespace = os.id.empty() ? "unknown" : os.id;
    if (!p.arch.empty()) qualifiers["arch"] = p.arch;
    if (!os.id.empty()) {
      std::string version = os.version_id;
      if (p.type == "deb") version = version.substr(0, version.find('.'));
      qualifiers["distro"] = version.empty() ? os.id : os.id + "-" + version;
    }
    if (p.type == "rpm" && !p.epoch.empty() && p.epoch != "0") qualifiers["epoch"] = p.epoch;
    if (p.type == "deb" && p.source_name != p.name && !p.source_name.empty()) {
      qualifiers["upstream"] = p.source_name;
    }
  }
  std::string name = p.name;
  if (p.type == "npm" && name.starts_with('@') && name.find('/') != std::string::npos) {
    purl_namespace = name.substr(0, name.find('/'));
    name = name.substr(name.find('/') + 1);
  } else if (p.type == "python") {
    name = normalize_python_name(name);
  } else if (p.type == "maven" && name.find(':') != std::string::npos) {
    purl_namespace = name.substr(0, name.find(':'));
    name = name.substr(name.find(':') + 1);
  } else if ((p.type == "golang" || p.type == "go-stdlib") &&
             name.rfind('/') != std::string::npos) {
    purl_namespace = name.substr(0, name.rfind('/'));
    name = name.substr(name.rfind('/') + 1);
  }
  if (p.type == "go-stdlib") type = "golang";
  if (p.type == "python") type = "pypi";
  std::string out = "pkg:" + type + "/";
  if (!purl_namespace.empty()) {
    // Namespace segments keep their "/" separators (pkg:golang/github.com/pkg/errors).
    size_t start = 0;
    for (;;) {
      size_t slash = purl_namespace.find('/', start);
      out += percent_encode(std::string_view(purl_namespace).substr(start, slash - start));
      if (slash == std::string::npos) break;
      out += '/';
      start = slash + 1;
    }
    out += '/';
  }
  std::string version =
      p.type == "rpm" && !p.release.empty() ? p.version + "-" + p.release : p.version;
  if (p.type == "go-stdlib" && version.starts_with("go")) version = version.substr(2);
  // deb names keep '+' (libstdc++6) as the Debian ground truth writes them; apk and the rest
  // encode it (libstdc%2B%2B), as the apk fixtures do; versions always encode it.
  out += percent_encode(name, p.type == "deb" ? "+" : "") + "@" + percent_encode(version);
  char sep = '?';
  for (const auto& [k, v] : qualifiers) {
    out += sep + k + "=" + percent_encode(v);
    sep = '&';
  }
  return out;
}

}  // namespace portcullis::analyze
