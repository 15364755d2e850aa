// Rule evaluation. Every rule yields a RuleResult whether it passed or not, so a report can
// explain the verdict rule by rule.
#include "policy/evaluate.hpp"

#include <algorithm>
#include <ctime>
#include <set>

namespace portcullis::policy {
namespace {

std::string date_of(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

// Whole days from an RFC 3339 time (or date) to `now`; nullopt when it cannot be read.
std::optional<int64_t> days_since(const std::string& when,
                                  std::chrono::system_clock::time_point now) {
  std::tm tm{};
  const char* end = strptime(when.c_str(), "%Y-%m-%d", &tm);
  if (end == nullptr) return std::nullopt;
  auto then = std::chrono::system_clock::from_time_t(timegm(&tm));
  return std::chrono::duration_cast<std::chrono::hours>(now - then).count() / 24;
}

std::vector<std::string> ids_of(const vuln::Finding& f) {
  std::vector<std::string> ids = f.aliases;
  ids.push_back(f.id);
  return ids;
}

bool named(const vuln::Finding& f, const std::vector<std::string>& list) {
  for (const auto& id : ids_of(f)) {
    if (std::find(list.begin(), list.end(), id) != list.end()) return true;
  }
  return false;
}

bool fixable(const vuln::Finding& f) { return !f.fixed_versions.empty(); }

std::string short_layer(const std::string& diff_id) {
  return diff_id.size() > 19 ? diff_id.substr(0, 19) : diff_id;
}

std::string describe(const vuln::Finding& f) {
  std::string cve;
  for (const auto& a : f.aliases) {
    if (a.starts_with("CVE-")) {
      cve = " (" + a + ")";
      break;
    }
  }
  std::string out =
      fmt::format("{}{} in {} {}: {}", f.id, cve, f.package_name, f.installed_version, f.severity);
  if (f.cvss_score >= 0) out += fmt::format(" CVSS {:.1f}", f.cvss_score);
  out += fixable(f) ? fmt::format(", fixed in {}", fmt::join(f.fixed_versions, ", ")) : ", no fix";
  if (f.known_exploited) out += ", known exploited (CISA KEV)";
  return out;
}

// The purl without version and qualifiers: what VEX products usually name.
std::string purl_base(const std::string& purl) {
  return purl.substr(0, std::min(purl.find('@'), purl.find('?')));
}

const VexStatement* vex_for(const vuln::Finding& f, const EvaluationInput& in) {
  for (const auto& s : in.vex) {
    if (s.status != "not_affected" && s.status != "fixed") continue;
    if (!named(f, s.vulnerabilities)) continue;
    if (s.products.empty()) return &s;
    for (const auto& p : s.products) {
      if (p == f.purl || p == purl_base(f.purl) || purl_base(p) == purl_base(f.purl)) return &s;
    }
  }
  return nullptr;
}

int level(SeverityLimit limit) {
  switch (limit) {
    case SeverityLimit::kMinimal:
      return static_cast<int>(Severity::kNegligible);
    case SeverityLimit::kLow:
      return static_cast<int>(Severity::kLow);
    case SeverityLimit::kMedium:
      return static_cast<int>(Severity::kMedium);
    case SeverityLimit::kHigh:
      return static_cast<int>(Severity::kHigh);
    default:
      return static_cast<int>(Severity::kCritical);
  }
}

// Binary Authorization: a finding above the maximum allowed severity is a violation. An unknown
// severity is allowed only by CRITICAL and ALLOW_ALL.
bool exceeds(Severity s, SeverityLimit limit) {
  if (limit == SeverityLimit::kBlockAll) return true;
  if (limit == SeverityLimit::kAllowAll) return false;
  if (s == Severity::kUnknown) return limit != SeverityLimit::kCritical;
  return static_cast<int>(s) > level(limit);
}

bool matches(const VulnerabilityConditions& c, const vuln::Finding& f,
             std::chrono::system_clock::time_point now) {
  if (c.severity && severity_of(f) < *c.severity) return false;
  if (c.fixable && fixable(f) != *c.fixable) return false;
  if (c.cvss_at_least && f.cvss_score < *c.cvss_at_least) return false;
  if (c.known_exploited && f.known_exploited != *c.known_exploited) return false;
  if (c.fix_available_for_days) {
    auto days = days_since(f.published, now);
    if (!fixable(f) || !days || *days <= *c.fix_available_for_days) return false;
  }
  if (!c.package_types.empty() && std::find(c.package_types.begin(), c.package_types.end(),
                                            f.package_type) == c.package_types.end()) {
    return false;
  }
  return true;
}

bool runs_as_root(const std::string& user) {
  std::string name = user.substr(0, user.find(':'));
  return name.empty() || name == "0" || name == "root";
}

std::string basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

void evaluate_rule(const Rule& rule, const EvaluationInput& in,
                   const std::vector<vuln::Finding>& findings, RuleResult& r) {
  const auto& inv = in.inventory;
  auto fail = [&](std::string reason) { r.reasons.push_back(std::move(reason)); };
  switch (rule.kind) {
    case Rule::Kind::kVulnerabilities:
      for (const auto& f : findings) {
        if (matches(rule.vulnerabilities, f, in.now)) fail(describe(f));
      }
      break;
    case Rule::Kind::kVulnerabilityCheck: {
      const auto& c = rule.vulnerability_check;
      for (const auto& f : findings) {
        if (named(f, c.allowed_cves)) continue;
        if (named(f, c.blocked_cves)) {
          fail(describe(f) + " — in blockedCves");
        } else if (exceeds(severity_of(f), fixable(f) ? c.maximum_fixable : c.maximum_unfixable)) {
          fail(describe(f) + (fixable(f) ? " — above maximumFixableSeverity"
                                         : " — above maximumUnfixableSeverity"));
        }
      }
      break;
    }
    case Rule::Kind::kRunsAsRoot:
      if (runs_as_root(inv.config.user)) {
        fail(fmt::format("config.User is \"{}\": the container runs as root", inv.config.user));
      }
      break;
    case Rule::Kind::kConfigSecrets:
      for (const auto& s : inv.secrets) {
        if (s.location != "file") fail(fmt::format("{} in {}: {}", s.rule, s.path, s.masked));
      }
      break;
    case Rule::Kind::kRequiredLabels:
      for (const auto& label : rule.labels) {
        bool present = std::any_of(inv.config.labels.begin(), inv.config.labels.end(),
                                   [&](const auto& kv) { return kv.first == label; });
        if (!present) fail(fmt::format("label {} is missing", label));
      }
      break;
    case Rule::Kind::kMaxImageAge:
      if (auto days = days_since(inv.config.created, in.now); days && *days > rule.days) {
        fail(fmt::format("created {} ({} days ago, more than {})", inv.config.created, *days,
                         rule.days));
      }
      break;
    case Rule::Kind::kPackageManagers:
      for (const auto& path : inv.package_managers) {
        bool allowed =
            std::find(rule.allow.begin(), rule.allow.end(), basename(path)) != rule.allow.end() ||
            std::find(rule.allow.begin(), rule.allow.end(), path) != rule.allow.end();
        if (!allowed) fail(fmt::format("package manager {} is in the image", path));
      }
      break;
    case Rule::Kind::kSetuidFiles:
      for (const auto& f : inv.special_files) {
        if (std::find(rule.allow.begin(), rule.allow.end(), f.path) != rule.allow.end()) continue;
        std::string kind =
            (f.mode & 04000) != 0 ? ((f.mode & 02000) != 0 ? "setuid+setgid" : "setuid") : "setgid";
        fail(fmt::format("{} 0{:o} {} (layer {})", f.path, f.mode, kind,
                         short_layer(f.layer_diff_id)));
      }
      break;
    case Rule::Kind::kSecrets:
      for (const auto& s : inv.secrets) {
        if (s.location != "file") continue;
        if (s.in_final_fs) {
          fail(fmt::format("{} in {}:{} (layer {}): {}", s.rule, s.path, s.line,
                           short_layer(s.layer_diff_id), s.masked));
        } else if (rule.include_removed) {
          fail(fmt::format(
              "{} in {}:{}: deleted by layer {} but still shipped in layer {} (not in the final "
              "filesystem; anyone who pulls the image can read it): {}",
              s.rule, s.path, s.line, short_layer(s.removed_by_layer), short_layer(s.layer_diff_id),
              s.masked));
        }
      }
      break;
    case Rule::Kind::kDbMaxAge:
      if (!in.db) {
        fail("no vulnerability DB was used");
      } else if (auto days = days_since(in.db->built_at, in.now); !days || *days > rule.days) {
        fail(fmt::format("the vulnerability DB was built {} ({} days ago, more than {})",
                         in.db->built_at, days ? std::to_string(*days) : "?", rule.days));
      }
      break;
  }
}

}  // namespace

Severity severity_of(const vuln::Finding& f) {
  return parse_severity(f.severity).value_or(Severity::kUnknown);
}

Verdict evaluate(const Policy& policy, const EvaluationInput& in) {
  Verdict v;
  v.policy = policy.name + (policy.version.empty() ? "" : " v" + policy.version);
  std::string today = date_of(in.now);
  std::vector<std::string> expired_notes;
  for (const auto& f : in.findings) {
    if (in.minimum_severity && severity_of(f) < *in.minimum_severity) continue;
    if (in.ignore_unfixed && !fixable(f)) continue;
    std::string reason;
    for (const auto& a : policy.allowed_cves) {
      if (!named(f, {a.id})) continue;
      if (a.expires >= today) {
        reason = fmt::format("allowed until {} ({}): {}", a.expires, a.source, a.justification);
      } else {
        expired_notes.push_back(fmt::format(
            "allowed_cves entry {} ({}) expired on {}: it no longer suppresses {} in {}", a.id,
            a.source, a.expires, f.id, f.package_name));
      }
    }
    if (const VexStatement* s = reason.empty() ? vex_for(f, in) : nullptr; s != nullptr) {
      reason = fmt::format("VEX {} ({}): {}", s->status, s->source, s->justification);
    }
    for (const auto& e : in.ignores) {
      if (!reason.empty() || !named(f, {e.id})) continue;
      if (e.expires.empty() || e.expires >= today) {
        reason = fmt::format("ignored ({}{})", e.source,
                             e.expires.empty() ? "" : ", until " + e.expires);
      }
    }
    if (reason.empty()) {
      v.findings.push_back(f);
    } else {
      v.suppressed.push_back({f, reason});
    }
  }
  // Blocked CVEs fail whatever else says about them.
  if (!policy.blocked_cves.empty()) {
    RuleResult r{"blocked-cves", "blocked_cves", "CVEs this policy never accepts", Action::kStop};
    for (const auto& f : in.findings) {
      if (named(f, policy.blocked_cves)) r.reasons.push_back(describe(f) + " — blocked");
    }
    v.rules.push_back(std::move(r));
  }
  for (const auto& rule : policy.rules) {
    RuleResult r{rule.name, std::string(kind_name(rule.kind)), rule.description, rule.action};
    evaluate_rule(rule, in, v.findings, r);
    v.rules.push_back(std::move(r));
  }
  if (!expired_notes.empty()) {
    RuleResult r{"allowed-cves-expiry", "allowed_cves", "Expired allowed_cves entries",
                 Action::kWarn};
    r.reasons = std::move(expired_notes);
    v.rules.push_back(std::move(r));
  }
  for (auto& r : v.rules) {
    r.passed = r.reasons.empty();
    if (r.passed) continue;
    if (r.action == Action::kStop) v.passed = false;
    if (r.action == Action::kWarn) ++v.warnings;
  }
  return v;
}

}  // namespace portcullis::policy
