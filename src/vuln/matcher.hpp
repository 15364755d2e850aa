// Matching an inventory against the DB: for each package, the advisories whose affected ranges
// hold its version, merged into one finding per vulnerability (advisories that share an id or
// alias are one vulnerability).
#pragma once

#include <string>
#include <vector>

#include "analyze/inventory.hpp"
#include "base/result.hpp"
#include "vuln/database.hpp"

namespace portcullis::vuln {

struct Finding {
  std::string id;                    // the advisory id (GHSA, PYSEC, GO, ALSA, CVE, ...)
  std::vector<std::string> aliases;  // every other id of the same vulnerability, sorted
  std::string summary;
  // The package, as the inventory has it.
  std::string package_name;
  std::string package_type;
  std::string purl;
  std::string bom_ref;
  std::string installed_version;            // the version compared (source version for deb)
  std::string ecosystem;                    // where it was looked up: "npm", "Debian:12", ...
  std::vector<std::string> fixed_versions;  // empty: no fix
  // CRITICAL, HIGH, MEDIUM, LOW, NEGLIGIBLE or UNKNOWN, and where it came from: the
  // distribution's own rating for OS packages, else CVSS (the advisory's, else NVD's), else the
  // advisory's label.
  std::string severity;
  std::string severity_source;
  double cvss_score = -1;  // < 0: none known
  std::string cvss_vector;
  bool known_exploited = false;
  std::vector<std::string> sources;  // the feeds that reported it
  // The earliest publication date of its advisories (RFC 3339; empty when no feed gives one):
  // with a fix, the date from which the fix is taken to be available.
  std::string published;
};

struct MatchResult {
  std::vector<Finding> findings;  // sorted by package, then id
  // Packages whose ecosystem the DB has no data for, or whose version the scheme cannot read.
  std::vector<std::string> warnings;
  size_t packages_checked = 0;
};

Result<MatchResult> match(const analyze::Inventory& inventory, Database& db);

}  // namespace portcullis::vuln
