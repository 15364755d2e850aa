// Policy parsing (errors name line and field) and evaluation: every rule kind able to fail and
// to pass, suppressions (allowed CVEs with expiry, VEX, ignore files), blocked CVEs, filters.
#include "policy/policy.hpp"

#include <gtest/gtest.h>

#include "policy/evaluate.hpp"

namespace portcullis::policy {
namespace {

using std::chrono::system_clock;

system_clock::time_point day(const char* date) {
  std::tm tm{};
  strptime(date, "%Y-%m-%d", &tm);
  return system_clock::from_time_t(timegm(&tm));
}

vuln::Finding finding(std::string id, std::string severity, std::vector<std::string> fixed,
                      double cvss = -1) {
  vuln::Finding f;
  f.id = std::move(id);
  f.aliases = {"CVE-2020-0001"};
  f.severity = std::move(severity);
  f.fixed_versions = std::move(fixed);
  f.cvss_score = cvss;
  f.package_name = "lodash";
  f.package_type = "npm";
  f.purl = "pkg:npm/lodash@4.17.15";
  f.installed_version = "4.17.15";
  f.published = "2020-07-15T19:15:48Z";
  return f;
}

Policy policy_of(const std::string& yaml) {
  auto p = parse_policy(yaml, "test.yaml");
  EXPECT_TRUE(p) << p.error().what();
  return p ? *p : Policy{};
}

const RuleResult& rule(const Verdict& v, const std::string& name) {
  for (const auto& r : v.rules) {
    if (r.name == name) return r;
  }
  ADD_FAILURE() << "no rule " << name;
  static RuleResult none;
  return none;
}

// One rule; its verdict on `in`.
Verdict judge(const std::string& rule_yaml, EvaluationInput in) {
  auto p = policy_of("name: t\nrules:\n  - name: r\n    action: stop\n    " + rule_yaml + "\n");
  if (in.now == system_clock::time_point{}) in.now = day("2026-11-23");
  return evaluate(p, in);
}

EvaluationInput with_findings(std::vector<vuln::Finding> fs) {
  EvaluationInput in;
  in.now = day("2026-11-23");
  in.findings = std::move(fs);
  in.inventory.config.user = "app";
  return in;
}

TEST(PolicyParse, ErrorsNameLineAndField) {
  auto p = parse_policy("name: t\nrules:\n  - name: a\n    vulnerabilities: {severity: HGIH}\n",
                        "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("p.yaml:4: rules[0].vulnerabilities.severity"),
            std::string::npos)
      << p.error().message();
  EXPECT_NE(p.error().message().find("\"HGIH\" is not one of"), std::string::npos);
  p = parse_policy("name: t\nrules:\n  - name: a\n    runs_as_root: true\n    colour: red\n",
                   "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message().find("p.yaml:5: rules[0].colour: unknown field"), std::string::npos)
      << p.error().message();
  EXPECT_FALSE(parse_policy("name: t\nrules:\n  - name: a\n", "p.yaml"));  // no kind
  EXPECT_FALSE(parse_policy(
      "name: t\nrules:\n  - {name: a, runs_as_root: true}\n  - {name: a, runs_as_root: true}\n",
      "p.yaml"));
  EXPECT_FALSE(parse_policy("name: t\nrules: []\nallowed_cves: [{id: CVE-1, expires: 2027-01-01}]",
                            "p.yaml"));  // justification required
  EXPECT_FALSE(parse_policy("name: t\nrules:\n  - {name: a, action: block, runs_as_root: true}\n",
                            "p.yaml"));
  EXPECT_FALSE(parse_policy("name: [", "p.yaml"));
  EXPECT_FALSE(parse_policy(
      "name: t\nrules:\n  - name: a\n    vulnerability_check: {maximumFixableSeverity: HIGH}\n",
      "p.yaml"));
}

TEST(PolicyParse, DefaultPolicyParsesAndCombinesRejectDuplicates) {
  EXPECT_EQ(default_policy().name, "portcullis-default");
  EXPECT_GE(default_policy().rules.size(), 10U);
  auto twice = combine({default_policy(), default_policy()});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message().find("is defined at"), std::string::npos);
}

TEST(Rules, VulnerabilitySeverityAndFixability) {
  auto in = with_findings({finding("GHSA-a", "HIGH", {"4.17.20"}), finding("GHSA-b", "LOW", {})});
  auto v = judge("vulnerabilities: {severity: HIGH, fixable: true}", in);
  EXPECT_FALSE(v.passed);
  ASSERT_EQ(rule(v, "r").reasons.size(), 1U);
  EXPECT_NE(rule(v, "r").reasons[0].find("GHSA-a (CVE-2020-0001) in lodash 4.17.15: HIGH"),
            std::string::npos);
  EXPECT_TRUE(judge("vulnerabilities: {severity: CRITICAL}", in).passed);
  EXPECT_FALSE(judge("vulnerabilities: {severity: LOW, fixable: false}", in).passed);
  EXPECT_TRUE(judge("vulnerabilities: {severity: LOW, package_types: [deb]}", in).passed);
}

TEST(Rules, CvssKevAndFixAge) {
  auto f = finding("GHSA-a", "HIGH", {"4.17.20"}, 7.4);
  EXPECT_FALSE(judge("vulnerabilities: {cvss_at_least: 7.0}", with_findings({f})).passed);
  EXPECT_TRUE(judge("vulnerabilities: {cvss_at_least: 9.0}", with_findings({f})).passed);
  EXPECT_TRUE(judge("vulnerabilities: {known_exploited: true}", with_findings({f})).passed);
  f.known_exploited = true;
  EXPECT_FALSE(judge("vulnerabilities: {known_exploited: true}", with_findings({f})).passed);
  // Published 2020-07-15: fix available for more than 30 days by 2026, not by 2020-08-01.
  EXPECT_FALSE(judge("vulnerabilities: {fix_available_for_days: 30}", with_findings({f})).passed);
  auto early = with_findings({f});
  early.now = day("2020-08-01");
  EXPECT_TRUE(judge("vulnerabilities: {fix_available_for_days: 30}", early).passed);
}

TEST(Rules, BinaryAuthorizationVulnerabilityCheck) {
  auto in = with_findings({finding("GHSA-a", "HIGH", {"1"}), finding("GHSA-b", "CRITICAL", {})});
  auto v = judge(
      "vulnerability_check: {maximumFixableSeverity: MEDIUM, maximumUnfixableSeverity: "
      "CRITICAL}",
      in);
  ASSERT_EQ(rule(v, "r").reasons.size(), 1U);  // the fixable HIGH; CRITICAL unfixable allowed
  EXPECT_NE(rule(v, "r").reasons[0].find("above maximumFixableSeverity"), std::string::npos);
  EXPECT_TRUE(judge("vulnerability_check: {maximumFixableSeverity: MEDIUM, "
                    "maximumUnfixableSeverity: ALLOW_ALL, allowedCves: [CVE-2020-0001]}",
                    in)
                  .passed);
  EXPECT_FALSE(judge("vulnerability_check: {maximumFixableSeverity: ALLOW_ALL, "
                     "maximumUnfixableSeverity: ALLOW_ALL, blockedCves: [GHSA-b]}",
                     in)
                   .passed);
  EXPECT_FALSE(judge("vulnerability_check: {maximumFixableSeverity: BLOCK_ALL, "
                     "maximumUnfixableSeverity: ALLOW_ALL}",
                     with_findings({finding("GHSA-c", "NEGLIGIBLE", {"1"})}))
                   .passed);
  EXPECT_TRUE(judge("vulnerability_check: {maximumFixableSeverity: MINIMAL, "
                    "maximumUnfixableSeverity: MINIMAL}",
                    with_findings({finding("GHSA-c", "NEGLIGIBLE", {"1"})}))
                  .passed);
}

TEST(Rules, RootUser) {
  EvaluationInput in;
  for (const char* user : {"", "0", "root", "0:0", "root:staff"}) {
    in.inventory.config.user = user;
    EXPECT_FALSE(judge("runs_as_root: true", in).passed) << user;
  }
  for (const char* user : {"1000", "app", "1000:0", "nonroot"}) {
    in.inventory.config.user = user;
    EXPECT_TRUE(judge("runs_as_root: true", in).passed) << user;
  }
}

TEST(Rules, SecretsInConfigAndFiles) {
  EvaluationInput in;
  in.inventory.config.user = "app";
  EXPECT_TRUE(judge("config_secrets: true", in).passed);
  EXPECT_TRUE(judge("secrets: true", in).passed);
  analyze::Secret env{"aws-access-key-id", "env", "config.Env[2]", 0, "", true, "", "AKIA****"};
  analyze::Secret removed{
      "generic-password",      "file",    "app/.env", 4, "sha256:6b71dc3d179194d8", false,
      "sha256:bb43eb5a8e6e11", "Port****"};
  in.inventory.secrets = {env, removed};
  auto v = judge("config_secrets: true", in);
  ASSERT_EQ(rule(v, "r").reasons.size(), 1U);
  EXPECT_NE(rule(v, "r").reasons[0].find("config.Env[2]"), std::string::npos);
  v = judge("secrets: {include_removed: true}", in);
  ASSERT_EQ(rule(v, "r").reasons.size(), 1U);
  EXPECT_NE(rule(v, "r").reasons[0].find("deleted by layer sha256:bb43eb5a8e6e"),
            std::string::npos);
  EXPECT_NE(rule(v, "r").reasons[0].find("still shipped in layer sha256:6b71dc3d1791"),
            std::string::npos);
  EXPECT_TRUE(judge("secrets: {include_removed: false}", in).passed);
  in.inventory.secrets[1].in_final_fs = true;
  EXPECT_FALSE(judge("secrets: {include_removed: false}", in).passed);
}

TEST(Rules, LabelsAgePackageManagersSetuidAndDbAge) {
  EvaluationInput in;
  in.inventory.config.user = "app";
  in.inventory.config.labels = {{"org.opencontainers.image.source", "https://x"}};
  EXPECT_TRUE(judge("required_labels: [org.opencontainers.image.source]", in).passed);
  EXPECT_FALSE(judge("required_labels: [org.opencontainers.image.source, team]", in).passed);
  in.inventory.config.created = "2026-01-01T00:00:00Z";
  EXPECT_TRUE(judge("max_image_age_days: 365", in).passed);
  EXPECT_FALSE(judge("max_image_age_days: 30", in).passed);
  in.inventory.package_managers = {"usr/bin/apt-get"};
  EXPECT_FALSE(judge("package_managers: true", in).passed);
  EXPECT_TRUE(judge("package_managers: {allow: [apt-get]}", in).passed);
  in.inventory.special_files = {{"usr/bin/passwd", 04755, "sha256:a"}};
  EXPECT_FALSE(judge("setuid_files: true", in).passed);
  EXPECT_TRUE(judge("setuid_files: {allow: [usr/bin/passwd]}", in).passed);
  EXPECT_FALSE(judge("db_max_age_days: 7", in).passed);  // no DB at all
  in.db = vuln::DbMetadata{2, "2026-11-20T00:00:00Z", {}};
  EXPECT_TRUE(judge("db_max_age_days: 7", in).passed);
  in.db->built_at = "2026-10-01T00:00:00Z";
  EXPECT_FALSE(judge("db_max_age_days: 7", in).passed);
}

TEST(Suppression, AllowedCveUntilItsExpiry) {
  auto yaml = std::string(
      "name: t\nrules:\n  - {name: r, vulnerabilities: {severity: LOW}}\n"
      "allowed_cves:\n  - {id: CVE-2020-0001, justification: not reachable, expires: "
      "2026-12-31}\n");
  auto in = with_findings({finding("GHSA-a", "HIGH", {"1"})});
  auto v = evaluate(policy_of(yaml), in);
  EXPECT_TRUE(v.passed);
  ASSERT_EQ(v.suppressed.size(), 1U);
  EXPECT_NE(v.suppressed[0].reason.find("not reachable"), std::string::npos);
  in.now = day("2027-01-01");  // expired: no longer suppresses, and says so
  v = evaluate(policy_of(yaml), in);
  EXPECT_FALSE(v.passed);
  EXPECT_FALSE(rule(v, "allowed-cves-expiry").passed);
}

TEST(Suppression, BlockedCvesFailEvenWhenAllowed) {
  auto v = evaluate(policy_of("name: t\nrules: []\nblocked_cves: [CVE-2020-0001]\n"
                              "allowed_cves:\n  - {id: CVE-2020-0001, justification: x, "
                              "expires: 2099-01-01}\n"),
                    with_findings({finding("GHSA-a", "LOW", {})}));
  EXPECT_FALSE(v.passed);
  EXPECT_FALSE(rule(v, "blocked-cves").passed);
}

TEST(Suppression, OpenVexNotAffectedAndIgnoreFile) {
  auto vex = parse_openvex(R"({"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
      {"vulnerability": {"name": "CVE-2020-0001"}, "products": [{"@id": "pkg:npm/lodash"}],
       "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]})",
                           "a.vex.json");
  ASSERT_TRUE(vex) << vex.error().what();
  auto in = with_findings({finding("GHSA-a", "HIGH", {"1"})});
  in.vex = *vex;
  auto v = judge("vulnerabilities: {severity: LOW}", in);
  EXPECT_TRUE(v.passed);
  ASSERT_EQ(v.suppressed.size(), 1U);
  EXPECT_NE(v.suppressed[0].reason.find("vulnerable_code_not_in_execute_path"), std::string::npos);
  EXPECT_FALSE(parse_openvex(R"({"@context": "https://openvex.dev/ns/v0.2.0", "statements":
      [{"vulnerability": {"name": "X"}, "status": "not_affected"}]})",
                             "b.json"));  // no justification
  auto ignores = parse_ignore_file("# comment\nGHSA-a exp:2026-12-01\nCVE-9\n", ".trivyignore");
  ASSERT_TRUE(ignores);
  ASSERT_EQ(ignores->size(), 2U);
  in.vex.clear();
  in.ignores = *ignores;
  EXPECT_TRUE(judge("vulnerabilities: {severity: LOW}", in).passed);
  in.now = day("2026-12-02");  // the ignore expired
  EXPECT_FALSE(judge("vulnerabilities: {severity: LOW}", in).passed);
  EXPECT_FALSE(parse_ignore_file("GHSA-a until tomorrow\n", ".trivyignore"));
}

TEST(Filters, SeverityAndIgnoreUnfixed) {
  auto in = with_findings({finding("GHSA-a", "MEDIUM", {"1"}), finding("GHSA-b", "HIGH", {})});
  in.minimum_severity = Severity::kHigh;
  auto v = judge("vulnerabilities: {severity: LOW}", in);
  ASSERT_EQ(v.findings.size(), 1U);
  EXPECT_EQ(v.findings[0].id, "GHSA-b");
  in.ignore_unfixed = true;
  EXPECT_TRUE(judge("vulnerabilities: {severity: LOW}", in).passed);
}

}  // namespace
}  // namespace portcullis::policy
