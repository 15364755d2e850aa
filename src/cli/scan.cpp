// portcullis scan: the CI gate. Reads the image, matches its packages against the vulnerability
// DB, evaluates the policy (rules over findings, secrets, config, files) and writes a report;
// exits 0 passed, 1 a stop rule failed, 2 usage or invalid input, 3 processing error.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "base/file.hpp"
#include "base/json_text.hpp"
#include "cli/commands.hpp"
#include "cli/db_path.hpp"
#include "cli/image_input.hpp"
#include "cli/scan_attest.hpp"
#include "cli/sign_target.hpp"
#include "cli/stored_scan.hpp"
#include "policy/evaluate.hpp"
#include "policy/predicates.hpp"
#include "policy/report.hpp"
#include "sbom/writers.hpp"
#include "vuln/database.hpp"
#include "vuln/matcher.hpp"
#include "vuln/report.hpp"

namespace portcullis::cli {
namespace {

struct ScanFlags {
  ImageInput input;
  std::string db;
  std::vector<std::string> policies;
  std::string format = "table";
  std::string output;
  std::string severity;
  bool ignore_unfixed = false;
  std::string ignorefile;
  std::vector<std::string> vex;
  int db_max_age_days = 7;
  bool attest = false;
  std::string key;
  bool registry_scan = false;
};

int processing_error(const Error& e) {
  std::fprintf(stderr, "portcullis: %s\n", e.what().c_str());
  return kExitProcessing;
}

// Everything from the command line that can be invalid, checked before any work is done.
Result<policy::EvaluationInput> read_inputs(const ScanFlags& f, policy::Policy& combined) {
  policy::EvaluationInput in;
  std::vector<policy::Policy> policies;
  for (const auto& path : f.policies) {
    auto p = policy::load_policy(path);
    if (!p) return make_error(ErrorCode::kInvalidArgument, "{}", p.error().what());
    policies.push_back(std::move(*p));
  }
  if (policies.empty()) policies.push_back(policy::default_policy());
  auto c = policy::combine(policies);
  if (!c) return c.error();
  combined = std::move(*c);
  if (!f.severity.empty()) {
    in.minimum_severity = policy::parse_severity(f.severity);
    if (!in.minimum_severity) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--severity {}: use UNKNOWN, NEGLIGIBLE, LOW, MEDIUM, HIGH or CRITICAL",
                        f.severity);
    }
  }
  in.ignore_unfixed = f.ignore_unfixed;
  for (const auto& path : f.vex) {
    auto text = read_file(path);
    if (!text) return make_error(ErrorCode::kInvalidArgument, "{}", text.error().what());
    auto statements = policy::parse_openvex(*text, path);
    if (!statements) return statements.error();
    in.vex.insert(in.vex.end(), statements->begin(), statements->end());
  }
  if (!f.ignorefile.empty()) {
    auto text = read_file(f.ignorefile);
    if (!text) return make_error(ErrorCode::kInvalidArgument, "{}", text.error().what());
    auto entries = policy::parse_ignore_file(*text, f.ignorefile);
    if (!entries) return entries.error();
    in.ignores = std::move(*entries);
  }
  return in;
}

nlohmann::json cyclonedx(const ScanFlags& f, const analyze::ScanResult& image,
                         const policy::Verdict& verdict) {
  auto doc = sbom::cyclonedx_document(image.inventory, subject_of(f.input, image));
  auto vulns = vuln::cyclonedx_vulnerabilities(verdict.findings);
  std::vector<vuln::Finding> suppressed;
  for (const auto& s : verdict.suppressed) suppressed.push_back(s.finding);
  auto extra = vuln::cyclonedx_vulnerabilities(suppressed);
  for (auto& v : extra) {
    for (const auto& s : verdict.suppressed) {
      if (s.finding.id == v["id"])
        v["analysis"] = {{"state", "not_affected"}, {"detail", s.reason}};
    }
    vulns.push_back(std::move(v));
  }
  doc["vulnerabilities"] = vulns;
  return doc;
}

int scan(const ScanFlags& f) {
  static const std::vector<std::string> kFormats = {"table", "json", "sarif", "cyclonedx-json",
                                                    "junit"};
  if (std::find(kFormats.begin(), kFormats.end(), f.format) == kFormats.end()) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--format {}: use table, json, sarif, cyclonedx-json or junit",
                             f.format));
  }
  if (f.attest && (f.key.empty() || is_local_image(f.input.image))) {
    return report(make_error(ErrorCode::kInvalidArgument, "{}",
                             f.key.empty() ? "--attest needs --key FILE"
                                           : "--attest stores attestations with the image: give a "
                                             "registry image (for a local one, use `portcullis "
                                             "attest --output DIR`)"));
  }
  std::string started = now_rfc3339();
  policy::Policy pol;
  auto inputs = read_inputs(f, pol);
  if (!inputs) return report(inputs.error());
  auto in = std::move(*inputs);

  auto path = resolve_db_path(f.db);
  auto db = vuln::Database::open(path);
  if (!db) return processing_error(db.error());
  in.db = (*db)->metadata();
  // Whatever the policy says, an old DB is worth a line on stderr.
  std::tm tm{};
  if (strptime(in.db->built_at.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) != nullptr) {
    auto days = (std::time(nullptr) - timegm(&tm)) / 86400;
    if (days > f.db_max_age_days) {
      std::fprintf(stderr,
                   "portcullis: warning: the vulnerability DB %s was built %ld days ago (more "
                   "than %d): run `portcullis db update`\n",
                   path.c_str(), static_cast<long>(days), f.db_max_age_days);
    }
  }
  std::optional<analyze::ScanResult> stored;
  if (f.registry_scan) stored = registry_stored_scan(f.input);
  auto image = stored ? Result<analyze::ScanResult>(std::move(*stored)) : read_image(f.input);
  if (!image) return report(image.error());
  auto matched = vuln::match(image->inventory, **db);
  if (!matched) return processing_error(matched.error());
  for (const auto& w : image->inventory.warnings)
    std::fprintf(stderr, "portcullis: warning: %s\n", w.c_str());
  for (const auto& w : matched->warnings)
    std::fprintf(stderr, "portcullis: warning: %s\n", w.c_str());

  in.findings = matched->findings;
  in.inventory = image->inventory;
  auto verdict = policy::evaluate(pol, in);

  std::string document;
  if (f.format == "cyclonedx-json") {
    document = to_json_text(cyclonedx(f, *image, verdict), 2) + "\n";
  } else if (f.format == "json") {
    document = to_json_text(policy::verdict_json(verdict, image->inventory, in.db), 2) + "\n";
  } else if (f.format == "sarif") {
    document = policy::verdict_sarif(verdict, image->inventory, f.input.image);
  } else if (f.format == "junit") {
    document = policy::verdict_junit(verdict, f.input.image);
  } else {
    bool to_terminal = (f.output.empty() || f.output == "-") && isatty(STDOUT_FILENO) != 0;
    document = policy::verdict_table(verdict, to_terminal);
  }
  if (int rc = write_output(f.output, document); rc != kExitOk) return rc;
  if (f.attest) {
    policy::ScanTimes times{started, now_rfc3339()};
    auto sbom = sbom::cyclonedx_document(image->inventory, subject_of(f.input, *image));
    auto attached =
        attach_attestations(f.input, f.key,
                            {{"cyclonedx", sbom},
                             {"vuln", policy::vuln_predicate(verdict, in.db, "0.1.0", times)},
                             {"verdict", policy::verdict_predicate(pol, verdict, in.db, times)}});
    if (!attached) return report(attached.error());
  }
  if (f.format != "table") {
    // The verdict in one line on stderr, whatever the report format.
    std::fprintf(stderr, "portcullis: policy %s: %s\n", verdict.policy.c_str(),
                 verdict.passed ? "passed" : "FAILED");
  }
  return verdict.passed ? kExitOk : kExitPolicyFailed;
}

}  // namespace

void register_scan(CLI::App& app, Runner& run) {
  auto f = std::make_shared<ScanFlags>();
  auto* cmd = app.add_subcommand(
      "scan", "Scan an image against a policy: exit 0 passed, 1 failed, 2 invalid input, 3 error");
  add_image_input(cmd, f->input);
  cmd->add_option("--db", f->db,
                  "Vulnerability DB file (default $PORTCULLIS_DB, else "
                  "$XDG_CACHE_HOME/portcullis/vuln.db)");
  cmd->add_option("--policy", f->policies, "Policy YAML (repeatable; default: the built-in one)")
      ->allow_extra_args(false);
  cmd->add_option("--format", f->format,
                  "table, json, sarif, cyclonedx-json or junit (default table)");
  cmd->add_option("--output,-o", f->output, "Write to FILE (atomically) instead of stdout");
  cmd->add_option("--severity", f->severity,
                  "Only consider vulnerabilities at or above LEVEL (LOW, MEDIUM, HIGH, CRITICAL)");
  cmd->add_flag("--ignore-unfixed", f->ignore_unfixed,
                "Do not consider vulnerabilities without a fix");
  cmd->add_option(
      "--ignorefile", f->ignorefile,
      "IDs to ignore, one per line, optionally \"exp:YYYY-MM-DD\" (.trivyignore format)");
  cmd->add_option("--db-max-age", f->db_max_age_days,
                  "Warn on stderr when the DB was built more than DAYS ago (default 7)")
      ->envname("PORTCULLIS_DB_MAX_AGE");
  cmd->add_option("--vex", f->vex, "OpenVEX document (repeatable): not_affected suppresses")
      ->allow_extra_args(false);
  cmd->add_flag("--attest", f->attest,
                "Attach the SBOM, the vulnerability report and the verdict to the image as "
                "signed attestations (registry images; needs --key)");
  cmd->add_option("--key", f->key,
                  "--attest: PEM private key (PORTCULLIS_KEY_PASSWORD decrypts it)");
  cmd->add_flag("--registry-scan", f->registry_scan,
                "Image in a portcullis registry that scanned it on push: use the inventory it "
                "stored (no layer read), matched against --db and judged by --policy here");
  cmd->callback([f, &run] { run = [f] { return scan(*f); }; });
}

}  // namespace portcullis::cli
