// JUnit XML: <testsuites><testsuite><testcase> as GitLab's and Jenkins' JUnit readers take it.
#include "policy/report.hpp"

namespace portcullis::policy {
namespace {

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // XML 1.0 has no place for other control characters.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += '?';
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

std::string verdict_junit(const Verdict& v, const std::string& image) {
  int failures = 0;
  for (const auto& r : v.rules) failures += (!r.passed && r.action == Action::kStop) ? 1 : 0;
  std::string suite = fmt::format("portcullis policy {} for {}", v.policy, image);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"portcullis\" tests=\"{}\" failures=\"{}\">\n",
                     v.rules.size(), failures);
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
                     xml_escape(suite), v.rules.size(), failures);
  for (const auto& r : v.rules) {
    out += fmt::format("    <testcase classname=\"portcullis.{}\" name=\"{}\"", xml_escape(r.kind),
                       xml_escape(r.name));
    if (r.passed) {
      out += "/>\n";
      continue;
    }
    std::string reasons;
    for (const auto& reason : r.reasons) reasons += reason + "\n";
    out += ">\n";
    if (r.action == Action::kStop) {
      out += fmt::format("      <failure message=\"{}\" type=\"policy\">{}</failure>\n",
                         xml_escape(fmt::format("{}: {} finding(s)", r.name, r.reasons.size())),
                         xml_escape(reasons));
    } else {
      out += fmt::format("      <system-out>warning: {}</system-out>\n", xml_escape(reasons));
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace portcullis::policy
