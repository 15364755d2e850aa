// Analyzer: one per ecosystem. It declares the paths it wants and turns each such file's
// content into findings keyed by that path (Trivy's analyzer seam).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/inventory.hpp"
#include "base/result.hpp"
#include "image/tar_walker.hpp"

namespace portcullis::analyze {

// Everything one layer contributes, by path, before layers are merged.
struct LayerFindings {
  std::map<std::string, std::vector<Package>> packages;  // file path -> packages found in it
  std::map<std::string, OsInfo> os;                      // file path -> OS it describes
  std::set<std::string> touched;    // every wanted path this layer wrote (even if it found nothing)
  std::set<std::string> whiteouts;  // paths this layer deletes from the layers below
  std::set<std::string> opaque_dirs;            // directories whose lower content this layer hides
  std::map<std::string, std::string> symlinks;  // path -> target as written
  std::map<std::string, std::vector<Secret>> secrets;  // file path -> secrets in it
  // Regular files with an execute, setuid or setgid bit: path -> mode (permission bits).
  std::map<std::string, uint32_t> executables;
  std::vector<std::string> warnings;
};

struct FileInput {
  std::string_view path;
  std::string_view content;
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  virtual std::string_view name() const = 0;
  // Bumped whenever output for the same input changes (invalidates cached layer results).
  virtual int version() const = 0;
  virtual bool wants(std::string_view path) const = 0;
  virtual size_t max_file_size() const { return 64 * 1024 * 1024; }
  // An analyzer that wants nearly every file (the secrets scanner): its files are not kept for
  // later hard links (a layer is never held in memory), and a file over its size limit is
  // skipped without a warning.
  virtual bool scans_everything() const { return false; }
  virtual Status analyze(const FileInput& file, LayerFindings& out) const = 0;

  // Analyzers of executables (Go binaries) see every executable regular file as a stream, so a
  // large binary is never held in memory.
  virtual bool wants_executables() const { return false; }
  virtual Status analyze_executable(std::string_view /*path*/, image::EntryReader& /*content*/,
                                    LayerFindings& /*out*/) const {
    return Ok{};
  }
};

}  // namespace portcullis::analyze
