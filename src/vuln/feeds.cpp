// The list of feed formats, and the walk that hands each file of a feed to its importer.
#include <archive.h>
#include <archive_entry.h>
#include <fmt/chrono.h>

#include <algorithm>
#include <chrono>
#include <functional>

#include "base/file.hpp"
#include "base/yaml_json.hpp"
#include "vuln/feed.hpp"

namespace portcullis::vuln {

const std::vector<std::unique_ptr<Feed>>& feeds() {
  static const std::vector<std::unique_ptr<Feed>> kFeeds = [] {
    std::vector<std::unique_ptr<Feed>> list;
    list.push_back(make_osv_feed());
    list.push_back(make_alpine_secdb_feed());
    list.push_back(make_kev_feed());
    list.push_back(make_nvd_feed());
    list.push_back(make_debian_tracker_feed());  // last: it recognizes by key shape only
    return list;
  }();
  return kFeeds;
}

namespace {

bool is_feed_file(std::string_view name) {
  return name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml");
}

bool is_archive(std::string_view name) {
  return name.ends_with(".zip") || name.ends_with(".tar") || name.ends_with(".tar.gz") ||
         name.ends_with(".tgz");
}

Result<nlohmann::json> parse_document(const std::string& content, const std::string& name) {
  if (name.ends_with(".json")) {
    auto doc = nlohmann::json::parse(content, nullptr, false);
    if (doc.is_discarded()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: not valid JSON", name);
    }
    return doc;
  }
  return parse_yaml_as_json(content, name);
}

struct ArchiveReader {
  archive* a = archive_read_new();
  ~ArchiveReader() { archive_read_free(a); }
  ArchiveReader() = default;
  ArchiveReader(const ArchiveReader&) = delete;
  ArchiveReader& operator=(const ArchiveReader&) = delete;
};

std::string archive_message(archive* a) {
  const char* m = archive_error_string(a);
  return m != nullptr ? m : "truncated or damaged archive";
}

// Every .json/.yaml member of a zip or tar archive (as OSV publishes each ecosystem: all.zip),
// read in place: nothing is extracted, so member paths cannot escape anywhere.
Status for_each_member(const std::filesystem::path& path,
                       const std::function<Status(const std::string&, const std::string&)>& fn) {
  ArchiveReader r;
  archive_read_support_format_zip(r.a);
  archive_read_support_format_tar(r.a);
  archive_read_support_filter_gzip(r.a);
  if (archive_read_open_filename(r.a, path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {}", path.string(), archive_message(r.a));
  }
  archive_entry* entry = nullptr;
  std::vector<std::pair<std::string, std::string>> members;
  for (;;) {
    int rc = archive_read_next_header(r.a, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return make_error(ErrorCode::kInvalidArgument, "{}: {}", path.string(), archive_message(r.a));
    }
    const char* name = archive_entry_pathname(entry);
    if (name == nullptr || archive_entry_filetype(entry) != AE_IFREG || !is_feed_file(name)) {
      continue;
    }
    std::string member = path.string() + "!" + name;
    std::string content;
    char buffer[1 << 16];
    for (;;) {
      la_ssize_t n = archive_read_data(r.a, buffer, sizeof(buffer));
      if (n < 0) {
        return make_error(ErrorCode::kInvalidArgument, "{}: {}", member, archive_message(r.a));
      }
      if (n == 0) break;
      content.append(buffer, static_cast<size_t>(n));
    }
    if (auto s = fn(content, member); !s) return s;
  }
  return Ok{};
}

std::string file_time(const std::filesystem::path& file) {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(file, ec);
  if (ec) return {};
  auto sys = std::chrono::file_clock::to_sys(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     std::chrono::time_point_cast<std::chrono::seconds>(sys));
}

}  // namespace

Result<ImportSummary> import_path(const std::filesystem::path& path, FeedSink& sink) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      auto name = it->path().filename().string();
      if (it->is_regular_file() && (is_feed_file(name) || is_archive(name))) {
        files.push_back(it->path());
      }
    }
    if (ec) return make_error(ErrorCode::kIo, "{}: {}", path.string(), ec.message());
    std::sort(files.begin(), files.end());
  } else if (std::filesystem::is_regular_file(path, ec)) {
    files.push_back(path);
  } else {
    return make_error(ErrorCode::kNotFound, "{}: no such file or directory", path.string());
  }
  ImportSummary summary;
  auto import_document = [&](const std::string& content, const std::string& name) -> Status {
    auto doc = parse_document(content, name);
    if (!doc) return doc.error();
    const Feed* feed = nullptr;
    for (const auto& f : feeds()) {
      if (f->recognizes(*doc)) {
        feed = f.get();
        break;
      }
    }
    if (feed == nullptr) {
      summary.skipped.push_back(name);
      return Ok{};
    }
    if (auto status = feed->import(*doc, name, sink); !status) return status;
    ++summary.files;
    if (std::find(summary.kinds.begin(), summary.kinds.end(), feed->kind()) ==
        summary.kinds.end()) {
      summary.kinds.emplace_back(feed->kind());
    }
    return Ok{};
  };
  for (const auto& file : files) {
    Status status = Ok{};
    if (is_archive(file.filename().string())) {
      status = for_each_member(file, import_document);
    } else {
      auto content = read_file(file);
      if (!content) return content.error();
      status = import_document(*content, file.string());
    }
    if (!status) return status.error();
    summary.newest_file_time = std::max(summary.newest_file_time, file_time(file));
  }
  return summary;
}

std::string normalize_package_name(std::string_view ecosystem, std::string_view name) {
  std::string out;
  if (ecosystem == "PyPI") {
    bool in_run = false;
    for (char c : name) {
      if (c == '-' || c == '_' || c == '.') {
        if (!in_run) out += '-';
        in_run = true;
        continue;
      }
      in_run = false;
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
  }
  out = name;
  if (ecosystem == "npm") {
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

std::string normalize_severity(std::string_view label) {
  std::string l;
  for (char c : label) {
    if (c == '*') continue;  // Debian "low**": from NVD rather than the team
    l += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  if (l == "critical" || l == "emergency") return "CRITICAL";
  if (l == "high" || l == "important") return "HIGH";
  if (l == "medium" || l == "moderate") return "MEDIUM";
  if (l == "low") return "LOW";
  if (l == "unimportant" || l == "negligible") return "NEGLIGIBLE";
  return {};
}

}  // namespace portcullis::vuln
