// Java archives (jar, war, ear), nested archives included ("outer.jar!/BOOT-INF/lib/x.jar"):
// every META-INF/maven/<group>/<artifact>/pom.properties is a package; an archive without one
// falls back to its MANIFEST.MF (Implementation-Title/Version). Symlinked archives are not
// regular files and are never read twice.
#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "analyze/analyzers.hpp"
#include "image/tar_walker.hpp"

namespace portcullis::analyze {
namespace {

constexpr int kMaxNesting = 4;
constexpr size_t kMaxEntryBytes = 256 * 1024 * 1024;

bool is_archive_name(std::string_view path) {
  return path.ends_with(".jar") || path.ends_with(".war") || path.ends_with(".ear");
}

std::map<std::string, std::string> parse_properties(std::string_view content, char separator) {
  std::map<std::string, std::string> out;
  while (!content.empty()) {
    auto nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content = nl == std::string_view::npos ? std::string_view() : content.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    auto at = line.find(separator);
    if (at == std::string_view::npos) continue;
    auto key = line.substr(0, at);
    auto value = line.substr(at + 1);
    while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    out[std::string(key)] = std::string(value);
  }
  return out;
}

struct ArchiveFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

void scan_archive(std::string_view content, const std::string& path, int depth,
                  std::vector<Package>& out, std::vector<std::string>& warnings) {
  std::unique_ptr<struct archive, ArchiveFree> a(archive_read_new());
  archive_read_support_format_zip_seekable(a.get());
  if (archive_read_open_memory(a.get(), content.data(), content.size()) != ARCHIVE_OK) {
    warnings.push_back(path + ": not a zip archive: " + image::libarchive_message(a.get()));
    return;
  }
  std::vector<Package> found;
  std::map<std::string, std::string> manifest;
  struct archive_entry* e = nullptr;
  for (;;) {
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      warnings.push_back(path + ": " + image::libarchive_message(a.get()));
      break;
    }
    std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    bool pom = name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties");
    bool nested = is_archive_name(name) && archive_entry_filetype(e) == AE_IFREG;
    bool mf = name == "META-INF/MANIFEST.MF";
    if (!pom && !nested && !mf) continue;
    if (archive_entry_size(e) > static_cast<la_int64_t>(kMaxEntryBytes)) {
      warnings.push_back(path + "!/" + name + ": larger than the analysis limit, skipped");
      continue;
    }
    std::string data(static_cast<size_t>(std::max<la_int64_t>(archive_entry_size(e), 0)), '\0');
    la_ssize_t n = archive_read_data(a.get(), data.data(), data.size());
    if (n < 0) {
      warnings.push_back(path + "!/" + name + ": " + image::libarchive_message(a.get()));
      continue;
    }
    data.resize(static_cast<size_t>(n));
    if (pom) {
      auto props = parse_properties(data, '=');
      if (props["groupId"].empty() || props["artifactId"].empty() || props["version"].empty())
        continue;
      Package p;
      p.type = "maven";
      p.name = props["groupId"] + ":" + props["artifactId"];
      p.version = props["version"];
      p.path = path;
      found.push_back(std::move(p));
    } else if (mf) {
      manifest = parse_properties(data, ':');
    } else if (depth < kMaxNesting) {
      scan_archive(data, path + "!/" + name, depth + 1, out, warnings);
    }
  }
  if (found.empty() && !manifest["Implementation-Title"].empty() &&
      !manifest["Implementation-Version"].empty()) {
    Package p;
    p.type = "maven";
    std::string group = manifest["Implementation-Vendor-Id"];
    p.name = (group.empty() ? manifest["Implementation-Title"] : group) + ":" +
             manifest["Implementation-Title"];
    p.version = manifest["Implementation-Version"];
    p.path = path;
    found.push_back(std::move(p));
  }
  for (auto& p : found) out.push_back(std::move(p));
}

class JavaAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "java"; }
  int version() const override { return 1; }
  bool wants(std::string_view path) const override { return is_archive_name(path); }
  size_t max_file_size() const override { return 128 * 1024 * 1024; }
  Status analyze(const FileInput& file, LayerFindings& out) const override {
    std::vector<Package> packages;
    scan_archive(file.content, std::string(file.path), 0, packages, out.warnings);
    out.packages[std::string(file.path)] = std::move(packages);
    return Ok{};
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_java_analyzer() { return std::make_unique<JavaAnalyzer>(); }

}  // namespace portcullis::analyze
