// Walks a tar stream once with libarchive, entry by entry, with normalized paths.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "image/byte_stream.hpp"

struct archive;

namespace portcullis::image {

// libarchive's error string, never NULL (it has none for some truncations).
const char* libarchive_message(struct archive* a);

struct TarEntry {
  enum class Type { kFile, kDirectory, kSymlink, kHardlink, kOther };
  std::string path;  // relative to the root, no leading "/" or "./", never ".."
  Type type = Type::kOther;
  std::string link_target;  // symlink target as written, or the normalized hardlink target
  int64_t size = 0;
  uint32_t mode = 0;
};

// Reads the content of the current entry.
class EntryReader {
 public:
  virtual ~EntryReader() = default;
  virtual Result<size_t> read(std::span<std::byte> buffer) = 0;
  // Reads the whole entry when it is at most `limit` bytes.
  Result<std::string> read_all(size_t limit);
};

// An entry's content as a ByteStream (a layer stored as a member of an archive).
class EntryStream final : public ByteStream {
 public:
  explicit EntryStream(EntryReader& reader) : reader_(reader) {}
  Result<size_t> read(std::span<std::byte> buffer) override { return reader_.read(buffer); }

 private:
  EntryReader& reader_;
};

// "a/./b//c" -> "a/b/c"; nullopt when the path climbs above the root ("../x", "a/../../x"),
// unless `clamp_at_root`, which keeps ".." at the root there, as path resolution in a
// container's root does.
std::optional<std::string> normalize_path(std::string_view path, bool clamp_at_root = false);

// Calls visit for every entry. Entries whose paths escape the root are reported through
// `on_warning` and skipped.
Status walk_tar(ByteStream& tar, const std::function<Status(const TarEntry&, EntryReader&)>& visit,
                const std::function<void(std::string_view)>& on_warning = {});

}  // namespace portcullis::image
