// portcullis db build | status: the vulnerability DB from feed files, and what it holds.
// (`db update`, fetching feeds over HTTP, is in db_update.cpp.)
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "cli/commands.hpp"
#include "cli/db_path.hpp"
#include "vuln/database.hpp"

namespace portcullis::cli {

std::filesystem::path resolve_db_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("PORTCULLIS_DB"); env != nullptr && *env != '\0') return env;
  return vuln::default_db_path();
}

namespace {

struct BuildFlags {
  std::vector<std::string> feeds;
  std::string out;
};

// NAME=PATH, or PATH named by its last two path components ("osv/npm").
vuln::FeedSource feed_source(const std::string& arg) {
  auto eq = arg.find('=');
  if (eq != std::string::npos && eq > 0 && arg.find('/') > eq) {
    return {arg.substr(0, eq), arg.substr(eq + 1)};
  }
  std::filesystem::path p = std::filesystem::path(arg).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  std::string name = p.filename().string();
  if (p.has_parent_path() && !p.parent_path().filename().empty() &&
      p.parent_path().filename() != "..") {
    name = p.parent_path().filename().string() + "/" + name;
  }
  return {name, p};
}

void print_metadata(const std::filesystem::path& path, const vuln::DbMetadata& m) {
  std::printf("DB:             %s\n", path.c_str());
  std::printf("schema version: %d\n", m.schema_version);
  std::tm tm{};
  std::string age = "unknown";
  if (strptime(m.built_at.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) != nullptr) {
    auto seconds = std::time(nullptr) - timegm(&tm);
    age = seconds < 3600 * 48 ? fmt::format("{} hours", seconds / 3600)
                              : fmt::format("{} days", seconds / 86400);
  }
  std::printf("built:          %s (%s ago)\n", m.built_at.c_str(), age.c_str());
  size_t width = 6;
  for (const auto& s : m.sources) width = std::max(width, s.name.size());
  auto w = static_cast<int>(width);
  std::printf("\n%-*s  %-14s  %-20s  %10s  %9s  %6s  %6s\n", w, "SOURCE", "FORMAT", "SNAPSHOT",
              "ADVISORIES", "WITHDRAWN", "CVSS", "KEV");
  for (const auto& s : m.sources) {
    std::printf("%-*s  %-14s  %-20s  %10lld  %9lld  %6lld  %6lld\n", w, s.name.c_str(),
                s.kinds.c_str(), s.snapshot.c_str(), static_cast<long long>(s.advisories),
                static_cast<long long>(s.withdrawn), static_cast<long long>(s.cvss),
                static_cast<long long>(s.known_exploited));
  }
}

int build(const BuildFlags& f) {
  std::vector<vuln::FeedSource> sources;
  for (const auto& arg : f.feeds) sources.push_back(feed_source(arg));
  auto out = resolve_db_path(f.out);
  auto m = vuln::build_database(sources, out, [](const std::string& note) {
    std::fprintf(stderr, "portcullis: warning: %s\n", note.c_str());
  });
  if (!m) return report(m.error());
  print_metadata(out, *m);
  return kExitOk;
}

int status(const std::string& db_flag) {
  auto path = resolve_db_path(db_flag);
  auto db = vuln::Database::open(path);
  if (!db) {
    std::fprintf(stderr, "portcullis: %s\n", db.error().what().c_str());
    return kExitProcessing;
  }
  print_metadata(path, (*db)->metadata());
  return kExitOk;
}

}  // namespace

void register_db(CLI::App& app, Runner& run) {
  auto* cmd = app.add_subcommand("db", "Build, update and inspect the vulnerability DB");
  cmd->require_subcommand(1);

  auto b = std::make_shared<BuildFlags>();
  auto* build_cmd = cmd->add_subcommand("build", "Build the DB from feed files");
  build_cmd
      ->add_option("--feeds", b->feeds,
                   "[NAME=]PATH of a feed: a file, a directory of files, or a .zip/.tar.gz of "
                   "them (OSV JSON/YAML, Alpine secdb, Debian tracker JSON, NVD, CISA KEV)")
      ->required();
  build_cmd->add_option("--out", b->out, "DB file to write (default: as --db)");
  build_cmd->callback([b, &run] { run = [b] { return build(*b); }; });

  auto db_flag = std::make_shared<std::string>();
  auto* status_cmd = cmd->add_subcommand("status", "Print the DB's sources, snapshots and age");
  status_cmd->add_option(
      "--db", *db_flag,
      "DB file (default $PORTCULLIS_DB, else $XDG_CACHE_HOME/portcullis/vuln.db)");
  status_cmd->callback([db_flag, &run] { run = [db_flag] { return status(*db_flag); }; });
  register_db_update(*cmd, run);
}

}  // namespace portcullis::cli
