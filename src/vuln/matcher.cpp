// OSV range evaluation (ossf.github.io/osv-schema, "Evaluation"): a range's events sorted by
// version; an introduced event at or below the version turns it affected, a fixed event at or
// below (or a last_affected event below) turns it back, a limit ends the range. Explicit
// `versions` lists count too.
#include "vuln/matcher.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "vuln/cvss.hpp"
#include "vuln/version.hpp"

namespace portcullis::vuln {
namespace {

struct Lookup {
  std::string ecosystem;
  std::string name;
  std::string version;
  Scheme scheme;
  bool os_package;
};

std::string major(std::string_view version_id) {
  return std::string(version_id.substr(0, version_id.find('.')));
}

std::string major_minor(std::string_view version_id) {
  auto first = version_id.find('.');
  if (first == std::string_view::npos) return std::string(version_id);
  return std::string(version_id.substr(0, version_id.find('.', first + 1)));
}

std::optional<Lookup> lookup_for(const analyze::Package& p, const analyze::OsInfo& os) {
  const std::string& source = p.source_name.empty() ? p.name : p.source_name;
  if (p.type == "deb" && os.id == "debian" && !os.version_id.empty()) {
    return Lookup{"Debian:" + major(os.version_id), source,
                  p.source_version.empty() ? p.version : p.source_version, Scheme::kDpkg, true};
  }
  if (p.type == "apk" && os.id == "alpine" && !os.version_id.empty()) {
    return Lookup{"Alpine:v" + major_minor(os.version_id), source, p.version, Scheme::kApk, true};
  }
  if (p.type == "rpm" && !os.version_id.empty()) {
    std::string distro = os.id == "almalinux" ? "AlmaLinux" : os.id == "rocky" ? "Rocky Linux" : "";
    if (distro.empty()) return std::nullopt;
    return Lookup{distro + ":" + major(os.version_id), p.name, analyze::full_version(p),
                  Scheme::kRpm, true};
  }
  if (p.type == "npm") {
    return Lookup{"npm", normalize_package_name("npm", p.name), p.version, Scheme::kNpm, false};
  }
  if (p.type == "python") {
    return Lookup{"PyPI", normalize_package_name("PyPI", p.name), p.version, Scheme::kPep440,
                  false};
  }
  if (p.type == "maven") return Lookup{"Maven", p.name, p.version, Scheme::kMaven, false};
  if (p.type == "golang") return Lookup{"Go", p.name, p.version, Scheme::kGo, false};
  if (p.type == "go-stdlib") {
    std::string v = p.version.starts_with("go") ? p.version.substr(2) : p.version;
    return Lookup{"Go", "stdlib", v, Scheme::kGo, false};
  }
  if (p.type == "gem") return Lookup{"RubyGems", p.name, p.version, Scheme::kGem, false};
  return std::nullopt;
}

// Orders versions of one scheme. npm advisories sometimes give "1.0" for 1.0.0 (GHSA's
// node-fetch record): such short forms are completed before giving up on a comparison.
class Order {
 public:
  explicit Order(Scheme scheme) : scheme_(scheme) {}

  std::optional<int> operator()(const std::string& a, const std::string& b) const {
    auto r = compare(scheme_, a, b);
    if (r || scheme_ != Scheme::kNpm) return r;
    return compare(scheme_, complete(a), complete(b));
  }

 private:
  static std::string complete(const std::string& v) {
    if (v.empty() || v.find_first_not_of("0123456789.") != std::string::npos) return v;
    std::string out = v;
    for (auto dots = std::count(v.begin(), v.end(), '.'); dots < 2; ++dots) out += ".0";
    return out;
  }
  Scheme scheme_;
};

// Whether `version` falls in the range; the fixed versions above it go to `fixed`. nullopt when
// a version in the range cannot be ordered.
std::optional<bool> in_range(const Range& range, const std::string& version, const Order& order,
                             std::vector<std::string>& fixed) {
  std::vector<const Event*> events;
  for (const auto& e : range.events) events.push_back(&e);
  bool unorderable = false;
  auto is_zero = [](const Event* e) {
    return e->kind == Event::Kind::kIntroduced && e->version == "0";
  };
  std::stable_sort(events.begin(), events.end(), [&](const Event* a, const Event* b) {
    if (is_zero(a) || is_zero(b)) return is_zero(a) && !is_zero(b);
    auto c = order(a->version, b->version);
    if (!c) unorderable = true;
    return c.value_or(0) < 0;
  });
  if (unorderable) return std::nullopt;
  bool affected = false;
  for (const Event* event : events) {
    const Event& e = *event;
    std::optional<int> c = is_zero(&e) ? std::optional<int>(1) : order(version, e.version);
    if (!c) return std::nullopt;
    switch (e.kind) {
      case Event::Kind::kIntroduced:
        if (*c >= 0) affected = true;
        break;
      case Event::Kind::kFixed:
        if (*c >= 0) {
          affected = false;
        } else if (affected) {
          fixed.push_back(e.version);
          return true;
        }
        break;
      case Event::Kind::kLastAffected:
        if (*c > 0) affected = false;
        break;
      case Event::Kind::kLimit:
        if (*c >= 0) return false;
        return affected;
    }
  }
  return affected;
}

struct Match {
  const Candidate* candidate;
  std::vector<std::string> fixed;
};

// GHSA first, then the ecosystem databases, then distribution advisories, CVE ids last: the id
// a finding is shown under when several advisories describe it.
int id_rank(std::string_view id) {
  static constexpr std::string_view kOrder[] = {"GHSA-", "PYSEC-", "GO-",  "RUSTSEC-", "ALSA-",
                                                "RHSA-", "DSA-",   "DLA-", "CVE-"};
  int rank = 0;
  for (std::string_view prefix : kOrder) {
    if (id.starts_with(prefix)) return rank;
    ++rank;
  }
  return rank - 1;  // unknown kinds rank with CVE
}

std::string distribution_of(std::string_view ecosystem) {
  std::string out(ecosystem.substr(0, ecosystem.find(':')));
  for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

Result<Finding> merge(const std::vector<const Match*>& group, const analyze::Package& p,
                      const Lookup& lookup, const Order& order, Database& db) {
  Finding f;
  std::set<std::string> ids;
  std::set<std::string> sources;
  for (const Match* m : group) {
    ids.insert(m->candidate->advisory.id);
    for (const auto& a : m->candidate->advisory.aliases) ids.insert(a);
    sources.insert(m->candidate->source);
  }
  const Match* primary = *std::min_element(group.begin(), group.end(), [](auto* a, auto* b) {
    const auto& x = a->candidate->advisory.id;
    const auto& y = b->candidate->advisory.id;
    return std::pair(id_rank(x), x) < std::pair(id_rank(y), y);
  });
  const Advisory& pa = primary->candidate->advisory;
  f.id = pa.id;
  f.summary = pa.summary;
  ids.erase(f.id);
  f.aliases.assign(ids.begin(), ids.end());
  f.sources.assign(sources.begin(), sources.end());
  f.package_name = p.name;
  f.package_type = p.type;
  f.purl = p.purl;
  f.bom_ref = analyze::bom_ref(p);
  f.installed_version = lookup.version;
  f.ecosystem = lookup.ecosystem;
  for (const Match* m : group) {
    for (const auto& v : m->fixed) {
      if (std::find(f.fixed_versions.begin(), f.fixed_versions.end(), v) ==
          f.fixed_versions.end()) {
        f.fixed_versions.push_back(v);
      }
    }
  }
  std::sort(f.fixed_versions.begin(), f.fixed_versions.end(),
            [&](const auto& a, const auto& b) { return order(a, b).value_or(0) < 0; });

  // CVSS: the advisory's own vector, else NVD's for a CVE id of the vulnerability.
  for (const Match* m : group) {
    const Advisory& a = m->candidate->advisory;
    if (!a.published.empty() && (f.published.empty() || a.published < f.published)) {
      f.published = a.published;
    }
    if (a.cvss_score > f.cvss_score) {
      f.cvss_score = a.cvss_score;
      f.cvss_vector = a.cvss_vector;
    }
  }
  std::vector<std::string> all_ids = f.aliases;
  all_ids.push_back(f.id);
  if (f.cvss_score < 0) {
    for (const auto& id : all_ids) {
      if (!id.starts_with("CVE-")) continue;
      auto record = db.cvss(id);
      if (!record) return record.error();
      if (*record && (*record)->score > f.cvss_score) {
        f.cvss_score = (*record)->score;
        f.cvss_vector = (*record)->vector;
      }
    }
  }
  for (const auto& id : all_ids) {
    auto kev = db.known_exploited(id);
    if (!kev) return kev.error();
    f.known_exploited = f.known_exploited || *kev;
  }

  std::string distro_rating;
  std::string advisory_label;
  for (const Match* m : group) {
    const Advisory& a = m->candidate->advisory;
    if (distro_rating.empty()) distro_rating = a.affected.front().severity;
    if (advisory_label.empty()) advisory_label = a.severity;
  }
  if (lookup.os_package && !distro_rating.empty()) {
    f.severity = distro_rating;
    f.severity_source = distribution_of(lookup.ecosystem);
  } else if (lookup.os_package && !advisory_label.empty()) {
    f.severity = advisory_label;
    f.severity_source = distribution_of(lookup.ecosystem);
  } else if (f.cvss_score >= 0) {
    f.severity = cvss3_rating(f.cvss_score);
    f.severity_source = "cvss";
  } else if (!advisory_label.empty()) {
    f.severity = advisory_label;
    f.severity_source = "advisory";
  } else {
    f.severity = "UNKNOWN";
  }
  return f;
}

// Groups matches whose id sets intersect (union-find over the ids).
std::vector<std::vector<const Match*>> group_by_vulnerability(const std::vector<Match>& matches) {
  std::vector<size_t> parent(matches.size());
  for (size_t i = 0; i < parent.size(); ++i) parent[i] = i;
  auto find = [&](size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  std::map<std::string, size_t> owner;
  for (size_t i = 0; i < matches.size(); ++i) {
    const Advisory& a = matches[i].candidate->advisory;
    std::vector<std::string> ids = a.aliases;
    ids.push_back(a.id);
    for (const auto& id : ids) {
      auto [it, inserted] = owner.emplace(id, i);
      if (!inserted) parent[find(i)] = find(it->second);
    }
  }
  std::map<size_t, std::vector<const Match*>> groups;
  for (size_t i = 0; i < matches.size(); ++i) groups[find(i)].push_back(&matches[i]);
  std::vector<std::vector<const Match*>> out;
  out.reserve(groups.size());
  for (auto& [root, members] : groups) out.push_back(std::move(members));
  return out;
}

}  // namespace

Result<MatchResult> match(const analyze::Inventory& inventory, Database& db) {
  MatchResult result;
  std::map<std::string, size_t> unknown_ecosystems;
  std::map<std::string, bool> ecosystem_known;
  for (const auto& p : inventory.packages) {
    auto lookup = lookup_for(p, inventory.os);
    if (!lookup) continue;
    ++result.packages_checked;
    auto known = ecosystem_known.find(lookup->ecosystem);
    if (known == ecosystem_known.end()) {
      auto has = db.has_ecosystem(lookup->ecosystem);
      if (!has) return has.error();
      known = ecosystem_known.emplace(lookup->ecosystem, *has).first;
    }
    if (!known->second) {
      ++unknown_ecosystems[lookup->ecosystem];
      continue;
    }
    auto candidates = db.candidates(lookup->ecosystem, lookup->name);
    if (!candidates) return candidates.error();
    Order order(lookup->scheme);
    std::vector<Match> matches;
    for (const auto& c : *candidates) {
      const Affected& af = c.advisory.affected.front();
      Match m{&c, {}};
      bool affected = false;
      bool undecided = false;
      for (const auto& v : af.versions) {
        if (v == lookup->version || order(v, lookup->version) == 0) affected = true;
      }
      for (const auto& range : af.ranges) {
        auto in = in_range(range, lookup->version, order, m.fixed);
        if (!in) undecided = true;
        affected = affected || in.value_or(false);
      }
      if (undecided && !affected) {
        result.warnings.push_back(fmt::format(
            "{} {} {}: {} has a range that cannot be ordered as {} versions; not decided", p.type,
            p.name, lookup->version, c.advisory.id, scheme_name(lookup->scheme)));
      }
      if (affected) matches.push_back(std::move(m));
    }
    for (const auto& group : group_by_vulnerability(matches)) {
      auto finding = merge(group, p, *lookup, order, db);
      if (!finding) return finding.error();
      result.findings.push_back(std::move(*finding));
    }
  }
  for (const auto& [ecosystem, count] : unknown_ecosystems) {
    result.warnings.push_back(fmt::format(
        "the vulnerability DB has no data for {}: {} package(s) not checked", ecosystem, count));
  }
  std::stable_sort(result.findings.begin(), result.findings.end(),
                   [](const Finding& a, const Finding& b) {
                     return std::tie(a.package_name, a.bom_ref, a.id) <
                            std::tie(b.package_name, b.bom_ref, b.id);
                   });
  return result;
}

}  // namespace portcullis::vuln
