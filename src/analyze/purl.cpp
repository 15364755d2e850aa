// Package URLs (github.com/package-url/purl-spec): type/namespace/name@version?qualifiers.
#include <map>

#include "analyze/inventory.hpp"

namespace portcullis::analyze {
namespace {

std::string percent_encode(std::string_view s, std::string_view also_safe = "") {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' ||
                      also_safe.find(static_cast<char>(c)) != std::string_view::npos;
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    }
  }
  return out;
}

}  // namespace

std::string make_purl(const Package& p, const OsInfo& os) {
  std::map<std::string, std::string> qualifiers;
  std::string type = p.type;
  std::string namespace_;
  if (p.type == "deb" || p.type == "apk" || p.type == "rpm") {
    namespace_ = os.id.empty() ? "unknown" : os.id;
    if (!p.arch.empty()) qualifiers["arch"] = p.arch;
    if (!os.id.empty()) {
      std::string version = os.version_id;
      if (p.type == "deb") version = version.substr(0, version.find('.'));
      qualifiers["distro"] = version.empty() ? os.id : os.id + "-" + version;
    }
    if (p.type == "deb" && p.source_name != p.name && !p.source_name.empty()) {
      qualifiers["upstream"] = p.source_name;
    }
  }
  std::string out = "pkg:" + type + "/";
  if (!namespace_.empty()) out += percent_encode(namespace_) + "/";
  // Names keep '+' (libstdc++6), as packageurl-python writes them; versions encode it.
  out += percent_encode(p.name, "+") + "@" + percent_encode(p.version);
  char sep = '?';
  for (const auto& [k, v] : qualifiers) {
    out += sep + k + "=" + percent_encode(v);
    sep = '&';
  }
  return out;
}

}  // namespace portcullis::analyze
