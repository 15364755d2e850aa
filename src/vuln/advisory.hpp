// What the feeds say, in one shape: advisories (OSV's model: affected packages with version
// ranges made of introduced/fixed/last_affected/limit events, or explicit version lists),
// CVSS scores from NVD, and CISA's known-exploited list.
#pragma once

#include <string>
#include <vector>

namespace portcullis::vuln {

struct Event {
  enum class Kind { kIntroduced, kFixed, kLastAffected, kLimit };
  Kind kind;
  std::string version;  // "0" for kIntroduced means "from the first version"
};

// One OSV range of type ECOSYSTEM or SEMVER (GIT ranges are about commits, not versions).
struct Range {
  std::vector<Event> events;
};

struct Affected {
  // OSV ecosystem, e.g. "npm", "PyPI", "Go", "Maven", "Debian:12", "Alpine:v3.20",
  // "AlmaLinux:9".
  std::string ecosystem;
  std::string package;  // normalized for matching (see normalize_package_name)
  std::vector<Range> ranges;
  std::vector<std::string> versions;  // explicitly listed affected versions
  std::string severity;               // the distribution's own rating for this package, if any
};

struct Advisory {
  std::string id;
  std::vector<std::string> aliases;  // CVE, GHSA, ... ids naming the same vulnerability
  std::string summary;
  std::string modified;   // RFC 3339 when the feed gives it
  std::string published;  // RFC 3339 when the feed gives it
  // Normalized rating: CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE; empty when the feed has none.
  std::string severity;
  std::string cvss_vector;  // CVSS v3 vector from the advisory itself
  double cvss_score = -1;   // < 0: none
  std::vector<Affected> affected;
};

struct CvssRecord {
  std::string cve;
  std::string vector;
  double score = 0;
};

struct KevRecord {
  std::string cve;
  std::string date_added;
};

// The package name as matching compares it: PyPI names by PEP 503 (lower case, runs of '-', '_'
// and '.' as one '-'); npm names in lower case (GHSA lists "Axios" for the npm package axios);
// others unchanged.
std::string normalize_package_name(std::string_view ecosystem, std::string_view name);

// "CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE" from the spellings feeds use (GHSA
// "moderate", Debian urgencies "unimportant"/"low**", Red Hat "Important"); empty when unknown.
std::string normalize_severity(std::string_view label);

}  // namespace portcullis::vuln
