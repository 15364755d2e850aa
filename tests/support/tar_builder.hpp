// Builds tar archives in memory (libarchive's writer) for layer tests: files, symlinks, hard
// links, whiteouts, hostile paths; optionally gzip- or zstd-compressed.
#pragma once

#include <string>
#include <vector>

namespace portcullis::testing {

struct TarItem {
  enum class Kind { kFile, kDirectory, kSymlink, kHardlink };
  std::string path;
  std::string content;  // file content, or link target
  Kind kind = Kind::kFile;
  int mode = 0644;
};

enum class TarCompression { kNone, kGzip, kZstd };

std::string build_tar(const std::vector<TarItem>& items,
                      TarCompression compression = TarCompression::kNone);

}  // namespace portcullis::testing
