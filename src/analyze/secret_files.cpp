// The secrets analyzer: text files outside the package-managed system trees, scanned with
// find_secrets. System directories, dependency trees and binary formats are skipped (as Trivy's
// secret scanner skips them): their content comes from packages, not from the image's author.
#include <array>

#include "analyze/analyzers.hpp"
#include "analyze/secrets.hpp"

namespace portcullis::analyze {
namespace {

constexpr std::array<std::string_view, 22> kSkippedDirs = {
    "usr/share/", "usr/lib/",   "usr/libexec/", "usr/include/", "lib/",          "lib32/",
    "lib64/",     "usr/lib64/", "usr/bin/",     "usr/sbin/",    "bin/",          "sbin/",
    "boot/",      "proc/",      "sys/",         "dev/",         "var/lib/dpkg/", "var/lib/apt/",
    "var/cache/", "var/log/",   "etc/ssl/",     "usr/src/"};

constexpr std::array<std::string_view, 8> kSkippedParts = {
    "/node_modules/", "/site-packages/", "/dist-packages/", "/.git/",
    "/vendor/",       "/__pycache__/",   "/gems/",          "/.cache/"};

constexpr std::array<std::string_view, 24> kBinaryExtensions = {
    ".so",  ".a",  ".o",   ".png",  ".jpg", ".jpeg",  ".gif",  ".ico",
    ".svg", ".gz", ".tgz", ".xz",   ".zip", ".jar",   ".war",  ".whl",
    ".pyc", ".mo", ".ttf", ".woff", ".pdf", ".class", ".wasm", ".map"};

class SecretFilesAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "secrets"; }
  int version() const override { return 1; }
  size_t max_file_size() const override { return 2 * 1024 * 1024; }
  bool scans_everything() const override { return true; }

  bool wants(std::string_view path) const override {
    for (auto dir : kSkippedDirs) {
      if (path.starts_with(dir)) return false;
    }
    std::string with_slash = "/" + std::string(path);
    for (auto part : kSkippedParts) {
      if (with_slash.find(part) != std::string::npos) return false;
    }
    for (auto ext : kBinaryExtensions) {
      if (path.ends_with(ext)) return false;
    }
    return true;
  }

  Status analyze(const FileInput& file, LayerFindings& out) const override {
    // Binary content (a NUL in the first 8 KiB) is not text to search.
    if (file.content.substr(0, 8192).find('\0') != std::string_view::npos) return Ok{};
    auto found = find_secrets(file.content);
    if (found.empty()) return Ok{};
    auto& list = out.secrets[std::string(file.path)];
    for (auto& m : found) {
      Secret s;
      s.rule = std::move(m.rule);
      s.location = "file";
      s.path = std::string(file.path);
      s.line = m.line;
      s.masked = std::move(m.masked);
      list.push_back(std::move(s));
    }
    return Ok{};
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_secret_files_analyzer() {
  return std::make_unique<SecretFilesAnalyzer>();
}

}  // namespace portcullis::analyze
