// portcullis scan: the SBOM of an image matched against the vulnerability DB. (The policy gate
// and its exit codes, SARIF and JUnit come with the CI-gate issue; this writes the findings.)
#include <chrono>
#include <cstdio>

#include "base/json_text.hpp"
#include "cli/commands.hpp"
#include "cli/db_path.hpp"
#include "cli/image_input.hpp"
#include "sbom/writers.hpp"
#include "vuln/database.hpp"
#include "vuln/matcher.hpp"
#include "vuln/report.hpp"

namespace portcullis::cli {
namespace {

struct ScanFlags {
  ImageInput input;
  std::string db;
  std::string format = "table";
  std::string output;
  int db_max_age_days = 7;
};

// Days since an RFC 3339 timestamp; -1 when it cannot be read.
int age_in_days(const std::string& rfc3339) {
  std::tm tm{};
  if (strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return -1;
  std::time_t then = timegm(&tm);
  return static_cast<int>((std::time(nullptr) - then) / 86400);
}

int scan(const ScanFlags& f) {
  if (f.format != "table" && f.format != "json" && f.format != "cyclonedx-json") {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--format {}: use table, json or cyclonedx-json", f.format));
  }
  auto path = resolve_db_path(f.db);
  auto db = vuln::Database::open(path);
  if (!db) {
    // A missing or unreadable DB is a processing error (3), not a usage error.
    std::fprintf(stderr, "portcullis: %s\n", db.error().what().c_str());
    return kExitProcessing;
  }
  int age = age_in_days((*db)->metadata().built_at);
  if (age > f.db_max_age_days) {
    std::fprintf(stderr,
                 "portcullis: warning: the vulnerability DB %s was built %d days ago (more than "
                 "%d): run `portcullis db update`\n",
                 path.c_str(), age, f.db_max_age_days);
  }
  auto image = read_image(f.input);
  if (!image) return report(image.error());
  auto matched = vuln::match(image->inventory, **db);
  if (!matched) {
    std::fprintf(stderr, "portcullis: %s\n", matched.error().what().c_str());
    return kExitProcessing;
  }
  for (const auto& w : image->inventory.warnings)
    std::fprintf(stderr, "portcullis: warning: %s\n", w.c_str());
  for (const auto& w : matched->warnings)
    std::fprintf(stderr, "portcullis: warning: %s\n", w.c_str());
  std::string document;
  if (f.format == "cyclonedx-json") {
    auto doc = sbom::cyclonedx_document(image->inventory, subject_of(f.input, *image));
    doc["vulnerabilities"] = vuln::cyclonedx_vulnerabilities(matched->findings);
    document = to_json_text(doc, 2) + "\n";
  } else if (f.format == "json") {
    document = to_json_text(vuln::findings_json(matched->findings, (*db)->metadata()), 2) + "\n";
  } else {
    document = vuln::findings_table(matched->findings);
  }
  return write_output(f.output, document);
}

}  // namespace

void register_scan(CLI::App& app, Runner& run) {
  auto f = std::make_shared<ScanFlags>();
  auto* cmd = app.add_subcommand("scan", "Find the known vulnerabilities of an image's packages");
  add_image_input(cmd, f->input);
  cmd->add_option("--db", f->db,
                  "Vulnerability DB file (default $PORTCULLIS_DB, else "
                  "$XDG_CACHE_HOME/portcullis/vuln.db)");
  cmd->add_option("--format", f->format, "table, json or cyclonedx-json (default table)");
  cmd->add_option("--output,-o", f->output, "Write to FILE (atomically) instead of stdout");
  cmd->add_option("--db-max-age", f->db_max_age_days,
                  "Warn when the DB was built more than DAYS ago (default 7)");
  cmd->callback([f, &run] { run = [f] { return scan(*f); }; });
}

}  // namespace portcullis::cli
