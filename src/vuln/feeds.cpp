// The list of feed formats, and the walk that hands each file of a feed to its importer.
#include <fmt/chrono.h>

#include <algorithm>
#include <chrono>

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

bool is_feed_file(const std::filesystem::path& p) {
  auto ext = p.extension().string();
  return ext == ".json" || ext == ".yaml" || ext == ".yml";
}

Result<nlohmann::json> parse_document(const std::filesystem::path& file) {
  auto content = read_file(file);
  if (!content) return content.error();
  if (file.extension() == ".json") {
    auto doc = nlohmann::json::parse(*content, nullptr, false);
    if (doc.is_discarded()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: not valid JSON", file.string());
    }
    return doc;
  }
  return parse_yaml_as_json(*content, file.string());
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
      if (it->is_regular_file() && is_feed_file(it->path())) files.push_back(it->path());
    }
    if (ec) return make_error(ErrorCode::kIo, "{}: {}", path.string(), ec.message());
    std::sort(files.begin(), files.end());
  } else if (std::filesystem::is_regular_file(path, ec)) {
    files.push_back(path);
  } else {
    return make_error(ErrorCode::kNotFound, "feed {}: no such file or directory", path.string());
  }
  ImportSummary summary;
  for (const auto& file : files) {
    auto doc = parse_document(file);
    if (!doc) return doc.error();
    const Feed* feed = nullptr;
    for (const auto& f : feeds()) {
      if (f->recognizes(*doc)) {
        feed = f.get();
        break;
      }
    }
    if (feed == nullptr) {
      summary.skipped.push_back(file.string());
      continue;
    }
    auto status = feed->import(*doc, file.string(), sink);
    if (!status) return status.error();
    ++summary.files;
    summary.newest_file_time = std::max(summary.newest_file_time, file_time(file));
    if (std::find(summary.kinds.begin(), summary.kinds.end(), feed->kind()) ==
        summary.kinds.end()) {
      summary.kinds.emplace_back(feed->kind());
    }
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
