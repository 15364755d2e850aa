// portcullis db update: fetch each configured feed over HTTP(S) with a conditional request
// (If-None-Match / If-Modified-Since from the last fetch), rebuild the DB when any feed changed,
// and replace it atomically. Fetched files are kept beside the DB (DB.feeds/) so an unchanged
// feed (304) is rebuilt from its copy. Nothing is replaced unless every feed was fetched and the
// build succeeded: a failed or interrupted update leaves the old DB and copies as they were.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <set>

#include "base/file.hpp"
#include "base/json_text.hpp"
#include "base/yaml_json.hpp"
#include "cli/commands.hpp"
#include "cli/db_path.hpp"
#include "http/response_stream.hpp"
#include "vuln/database.hpp"

namespace portcullis::cli {
namespace {

struct FeedSpec {
  std::string name;
  std::string url;
};

// The public feeds used when no configuration names others (docs/db.md).
const std::vector<FeedSpec>& default_feeds() {
  static const std::vector<FeedSpec> kFeeds = {
      {"osv-npm", "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip"},
      {"osv-pypi", "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"},
      {"osv-go", "https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip"},
      {"osv-maven", "https://osv-vulnerabilities.storage.googleapis.com/Maven/all.zip"},
      {"osv-rubygems", "https://osv-vulnerabilities.storage.googleapis.com/RubyGems/all.zip"},
      {"osv-almalinux", "https://osv-vulnerabilities.storage.googleapis.com/AlmaLinux/all.zip"},
      {"osv-rocky", "https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip"},
      {"debian-tracker", "https://security-tracker.debian.org/tracker/data/json"},
      {"alpine-v3.20-main", "https://secdb.alpinelinux.org/v3.20/main.json"},
      {"alpine-v3.20-community", "https://secdb.alpinelinux.org/v3.20/community.json"},
      {"cisa-kev",
       "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"},
  };
  return kFeeds;
}

struct UpdateFlags {
  std::string db;
  std::string config;
  std::vector<std::string> feeds;
  bool tls_verify = true;
};

Result<std::vector<FeedSpec>> configured_feeds(const UpdateFlags& f) {
  std::vector<FeedSpec> out;
  for (const auto& arg : f.feeds) {
    auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      return make_error(ErrorCode::kInvalidArgument, "--feed {}: expected NAME=URL", arg);
    }
    out.push_back({arg.substr(0, eq), arg.substr(eq + 1)});
  }
  if (!out.empty()) return out;
  if (f.config.empty()) return default_feeds();
  auto text = read_file(f.config);
  if (!text) return text.error();
  auto doc = parse_yaml_as_json(*text, f.config);
  if (!doc) return doc.error();
  const auto* list = doc->is_object() && doc->contains("feeds") ? &(*doc)["feeds"] : nullptr;
  if (list == nullptr || !list->is_array() || list->empty()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: expected a non-empty list `feeds:`",
                      f.config);
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const auto& item = (*list)[i];
    std::string name = string_field(item, "name");
    std::string url = string_field(item, "url");
    if (name.empty() || url.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: feeds[{}]: `name` and `url` required",
                        f.config, i);
    }
    out.push_back({name, url});
  }
  return out;
}

std::string safe_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() || out[0] == '.' ? "_" + out : out;
}

// The extension import_path goes by, from the content: feeds are served as "json" or "all.zip".
std::string sniff_extension(const std::filesystem::path& file) {
  char head[4] = {};
  auto fd = open_read(file);
  if (fd) (void)::read(fd->get(), head, sizeof(head));
  if (head[0] == 'P' && head[1] == 'K') return ".zip";
  if (static_cast<unsigned char>(head[0]) == 0x1f && static_cast<unsigned char>(head[1]) == 0x8b)
    return ".tar.gz";
  if (head[0] == '{' || head[0] == '[') return ".json";
  return ".yaml";
}

struct CachedFeed {
  std::string url;
  std::string etag;
  std::string last_modified;
  std::filesystem::path file;
};

CachedFeed read_cached(const std::filesystem::path& cache, const std::string& name) {
  CachedFeed c;
  auto text = read_file(cache / (safe_name(name) + ".meta.json"));
  if (!text) return c;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return c;
  c.url = string_field(j, "url");
  c.etag = string_field(j, "etag");
  c.last_modified = string_field(j, "last_modified");
  c.file = cache / string_field(j, "file");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(c.file, ec)) c = {};
  return c;
}

// Streams the response body to `file`.
Status download(http::ResponseStream& response, const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_error("create", file);
  UniqueFd owned(fd);
  std::vector<std::byte> buffer(1 << 16);
  for (;;) {
    auto n = response.read(buffer);
    if (!n) return n.error();
    if (*n == 0) break;
    if (auto s = write_all(fd, std::span(buffer.data(), *n)); !s) return s;
  }
  return Ok{};
}

struct Fetched {
  vuln::FeedSource source;
  bool changed = false;
  std::string staged_dir;  // relative to the cache: where the new copy goes
};

Result<Fetched> fetch(const FeedSpec& feed, const std::filesystem::path& cache,
                      const std::filesystem::path& staging, bool tls_verify) {
  CachedFeed cached = read_cached(cache, feed.name);
  http::ClientRequest request;
  request.url = feed.url;
  bool have_copy = cached.url == feed.url && !cached.file.empty();
  if (have_copy && !cached.etag.empty()) request.headers.emplace_back("If-None-Match", cached.etag);
  if (have_copy && !cached.last_modified.empty()) {
    request.headers.emplace_back("If-Modified-Since", cached.last_modified);
  }
  http::ClientOptions options;
  options.tls_verify = tls_verify;
  auto response = http::ResponseStream::open(request, options);
  if (!response) return response.error().context("feed {} ({})", feed.name, feed.url);
  Fetched out;
  out.source.name = feed.name;
  out.source.url = feed.url;
  if ((*response)->status() == 304 && have_copy) {
    out.source.path = cached.file;
    out.source.etag = cached.etag;
    out.source.last_modified = cached.last_modified;
    return out;
  }
  if ((*response)->status() != 200) {
    return make_error(ErrorCode::kIo, "feed {} ({}): HTTP {}", feed.name, feed.url,
                      (*response)->status());
  }
  auto dir = staging / safe_name(feed.name);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto file = dir / "feed";
  if (auto s = download(**response, file); !s) {
    return s.error().context("feed {} ({})", feed.name, feed.url);
  }
  auto named = dir / ("feed" + sniff_extension(file));
  std::filesystem::rename(file, named, ec);
  out.source.path = named;
  out.source.etag = std::string((*response)->header("etag"));
  out.source.last_modified = std::string((*response)->header("last-modified"));
  out.changed = true;
  out.staged_dir = safe_name(feed.name);
  return out;
}

// Moves a freshly fetched copy into the cache and records its validators.
Status keep_copy(const Fetched& f, const std::filesystem::path& cache,
                 const std::filesystem::path& staging) {
  std::error_code ec;
  auto target = cache / f.staged_dir;
  std::filesystem::remove_all(target, ec);
  std::filesystem::rename(staging / f.staged_dir, target, ec);
  if (ec) return make_error(ErrorCode::kIo, "keep {}: {}", target.string(), ec.message());
  nlohmann::json meta = {{"url", f.source.url},
                         {"etag", f.source.etag},
                         {"last_modified", f.source.last_modified},
                         {"file", f.staged_dir + "/" + f.source.path.filename().string()}};
  return write_file_atomic(cache / (f.staged_dir + ".meta.json"), to_json_text(meta, 2) + "\n");
}

int update(const UpdateFlags& f) {
  http::init_curl();
  auto feeds = configured_feeds(f);
  if (!feeds) return report(feeds.error());
  auto db_path = resolve_db_path(f.db);
  auto cache = std::filesystem::path(db_path.string() + ".feeds");
  auto staging = cache / fmt::format(".staging-{}", getpid());
  std::error_code ec;
  std::filesystem::create_directories(staging, ec);
  if (ec) return report(make_error(ErrorCode::kIo, "{}: {}", staging.string(), ec.message()));
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code e;
      std::filesystem::remove_all(dir, e);
    }
  } cleanup{staging};

  std::vector<Fetched> fetched;
  bool changed = false;
  for (const auto& feed : *feeds) {
    auto r = fetch(feed, cache, staging, f.tls_verify);
    if (!r) {
      std::fprintf(stderr, "portcullis: %s; the DB was not changed\n", r.error().what().c_str());
      return kExitProcessing;
    }
    std::printf("%-28s %s\n", feed.name.c_str(), r->changed ? "fetched" : "not modified");
    changed = changed || r->changed;
    fetched.push_back(std::move(*r));
  }
  // Nothing new and the DB was built from exactly these feeds: leave it alone.
  if (!changed) {
    auto db = vuln::Database::open(db_path);
    if (db) {
      std::set<std::string> built;
      for (const auto& s : (*db)->metadata().sources) built.insert(s.name + " " + s.location);
      std::set<std::string> wanted;
      for (const auto& x : fetched) wanted.insert(x.source.name + " " + x.source.url);
      if (built == wanted) {
        std::printf("%s is up to date\n", db_path.c_str());
        return kExitOk;
      }
    }
  }
  std::vector<vuln::FeedSource> sources;
  sources.reserve(fetched.size());
  for (const auto& x : fetched) sources.push_back(x.source);
  auto built = vuln::build_database(sources, db_path, [](const std::string& note) {
    std::fprintf(stderr, "portcullis: warning: %s\n", note.c_str());
  });
  if (!built) {
    std::fprintf(stderr, "portcullis: %s; the DB was not changed\n", built.error().what().c_str());
    return kExitProcessing;
  }
  for (const auto& x : fetched) {
    if (!x.changed) continue;
    if (auto s = keep_copy(x, cache, staging); !s) {
      // The new DB is in place; the copy only saves a download next time.
      std::fprintf(stderr, "portcullis: warning: %s\n", s.error().what().c_str());
    }
  }
  std::printf("%s rebuilt: %zu sources, built %s\n", db_path.c_str(), built->sources.size(),
              built->built_at.c_str());
  return kExitOk;
}

}  // namespace

void register_db_update(CLI::App& db, Runner& run) {
  auto f = std::make_shared<UpdateFlags>();
  auto* cmd = db.add_subcommand("update", "Fetch the configured feeds and rebuild the DB");
  cmd->add_option("--db", f->db,
                  "DB file (default $PORTCULLIS_DB, else $XDG_CACHE_HOME/portcullis/vuln.db)");
  cmd->add_option("--config", f->config, "YAML file listing `feeds:` (name, url)");
  cmd->add_option("--feed", f->feeds, "NAME=URL of a feed (repeatable; replaces --config)")
      ->allow_extra_args(false);
  cmd->add_option("--tls-verify", f->tls_verify, "Verify TLS certificates (default true)");
  cmd->callback([f, &run] { run = [f] { return update(*f); }; });
}

}  // namespace portcullis::cli
