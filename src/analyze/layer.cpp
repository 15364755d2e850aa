// One pass over one layer: digest check, decompression, tar walk, analyzers.
#include <cstring>
#include <map>
#include <optional>

#include "analyze/registry.hpp"
#include "analyze/scan.hpp"
#include "image/tar_walker.hpp"

namespace portcullis::analyze {
namespace {

// An entry's first bytes, read ahead to tell binaries from scripts, then the rest of it.
class ReplayReader final : public image::EntryReader {
 public:
  ReplayReader(std::string head, image::EntryReader& rest) : head_(std::move(head)), rest_(rest) {}
  std::string_view head() const { return head_; }
  Result<size_t> read(std::span<std::byte> buffer) override {
    if (pos_ < head_.size()) {
      size_t n = std::min(buffer.size(), head_.size() - pos_);
      std::memcpy(buffer.data(), head_.data() + pos_, n);
      pos_ += n;
      return n;
    }
    return rest_.read(buffer);
  }

 private:
  std::string head_;
  size_t pos_ = 0;
  image::EntryReader& rest_;
};

Result<std::string> read_head(image::EntryReader& reader, size_t size) {
  std::string head(size, '\0');
  size_t got = 0;
  while (got < size) {
    auto n = reader.read(std::as_writable_bytes(std::span(head.data() + got, size - got)));
    if (!n) return n.error();
    if (*n == 0) break;
    got += *n;
  }
  head.resize(got);
  return head;
}

}  // namespace

Result<LayerResult> analyze_layer(image::ByteStream& blob, const std::optional<Digest>& expected,
                                  uint64_t max_layer_bytes) {
  LayerResult result{{}, digest_of("")};
  auto& out = result.findings;
  image::DigestingStream compressed(blob,
                                    expected ? expected->algorithm() : DigestAlgorithm::kSha256);
  auto decompressed = image::open_decompressed(compressed, nullptr, max_layer_bytes);
  if (!decompressed) return decompressed.error();
  image::DigestingStream tar(**decompressed, DigestAlgorithm::kSha256);
  // Contents of wanted files, kept for hard links to them later in the same layer.
  std::map<std::string, std::string> wanted_content;
  const auto& list = analyzers();
  bool has_executable_analyzer = false;
  for (const auto& a : list)
    has_executable_analyzer = has_executable_analyzer || a->wants_executables();
  auto run = [&](const std::string& path, std::string_view content) -> Status {
    for (const auto& a : list) {
      if (!a->wants(path)) continue;
      out.touched.insert(path);
      auto status = a->analyze(FileInput{path, content}, out);
      if (!status) out.warnings.push_back(status.error().context("{}: {}", a->name(), path).what());
    }
    return Ok{};
  };
  auto walked = image::walk_tar(
      tar,
      [&](const image::TarEntry& entry, image::EntryReader& reader) -> Status {
        auto slash = entry.path.rfind('/');
        std::string dir = slash == std::string::npos ? "" : entry.path.substr(0, slash);
        std::string base = slash == std::string::npos ? entry.path : entry.path.substr(slash + 1);
        // image-spec layer.md "Whiteouts".
        if (base == ".wh..wh..opq") {
          out.opaque_dirs.insert(dir);
          return Ok{};
        }
        if (base.starts_with(".wh.")) {
          out.whiteouts.insert(dir.empty() ? base.substr(4) : dir + "/" + base.substr(4));
          return Ok{};
        }
        bool wanted = false;
        bool keep = false;  // some analyzer needs this file specifically
        size_t limit = 0;
        for (const auto& a : list) {
          if (a->wants(entry.path)) {
            wanted = true;
            keep = keep || !a->scans_everything();
            limit = std::max(limit, a->max_file_size());
          }
        }
        if (entry.type == image::TarEntry::Type::kFile && (entry.mode & 06111) != 0) {
          out.executables[entry.path] = entry.mode & 07777;
        }
        if (entry.type == image::TarEntry::Type::kSymlink) {
          out.symlinks[entry.path] = entry.link_target;
          if (wanted) out.touched.insert(entry.path);
          return Ok{};
        }
        bool executable = entry.type == image::TarEntry::Type::kFile && (entry.mode & 0111) != 0;
        image::EntryReader* source = &reader;
        std::optional<ReplayReader> replay;
        if (executable && has_executable_analyzer) {
          // ELF files stream to the executable analyzers (a Go binary is never held in memory);
          // scripts are text like any other file.
          auto head = read_head(reader, 4);
          if (!head) return head.error().context("{}", entry.path);
          replay.emplace(std::move(*head), reader);
          source = &*replay;
          if (replay->head().starts_with("\x7f"
                                         "ELF")) {
            for (const auto& a : list) {
              if (!a->wants_executables()) continue;
              out.touched.insert(entry.path);
              auto status = a->analyze_executable(entry.path, *replay, out);
              if (!status) return status.error().context("{}: {}", a->name(), entry.path);
              break;  // the stream is consumed; one executable analyzer
            }
            return Ok{};
          }
        }
        if (!wanted) return Ok{};
        if (entry.type == image::TarEntry::Type::kHardlink) {
          auto it = wanted_content.find(entry.link_target);
          if (it != wanted_content.end()) return run(entry.path, it->second);
          out.touched.insert(entry.path);
          return Ok{};
        }
        if (entry.type != image::TarEntry::Type::kFile) {
          out.touched.insert(entry.path);
          return Ok{};
        }
        auto content = source->read_all(limit);
        if (!content) {
          if (content.error().code() == ErrorCode::kOutOfRange) {
            if (keep) {
              out.warnings.push_back(entry.path + ": " + content.error().message() +
                                     ", not analyzed");
            }
            out.touched.insert(entry.path);
            return Ok{};
          }
          return content.error().context("{}", entry.path);
        }
        PORTCULLIS_TRY(run(entry.path, *content));
        if (keep) wanted_content[entry.path] = std::move(*content);
        return Ok{};
      },
      [&](std::string_view warning) { out.warnings.emplace_back(warning); });
  if (!walked) return walked.error();
  auto diff_id = tar.finish();  // the tar's end-of-archive padding counts too
  if (!diff_id) return diff_id.error();
  auto digest = compressed.finish();
  if (!digest) return digest.error();
  if (expected && *digest != *expected) {
    return make_error(ErrorCode::kCorrupt, "layer {} has content with digest {}", expected->str(),
                      digest->str());
  }
  result.diff_id = *diff_id;
  return result;
}

}  // namespace portcullis::analyze
