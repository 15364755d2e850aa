// libarchive adapter: reads from our ByteStream through a callback.
#include "image/tar_walker.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <vector>

namespace portcullis::image {
namespace {

struct ReadContext {
  ByteStream* stream;
  std::vector<std::byte> buffer = std::vector<std::byte>(1 << 17);
  std::optional<Error> error;
};

la_ssize_t on_read(struct archive*, void* data, const void** out) {
  auto* ctx = static_cast<ReadContext*>(data);
  auto n = ctx->stream->read(ctx->buffer);
  if (!n) {
    ctx->error = n.error();
    return -1;
  }
  *out = ctx->buffer.data();
  return static_cast<la_ssize_t>(*n);
}

class ArchiveEntryReader final : public EntryReader {
 public:
  explicit ArchiveEntryReader(struct archive* a) : a_(a) {}
  Result<size_t> read(std::span<std::byte> buffer) override {
    la_ssize_t n = archive_read_data(a_, buffer.data(), buffer.size());
    if (n < 0) return make_error(ErrorCode::kCorrupt, "tar entry data: {}", libarchive_message(a_));
    return static_cast<size_t>(n);
  }

 private:
  struct archive* a_;
};

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

}  // namespace

const char* libarchive_message(struct archive* a) {
  const char* m = archive_error_string(a);
  return m != nullptr ? m : "unknown libarchive error";
}

Result<std::string> EntryReader::read_all(size_t limit) {
  std::string out;
  std::byte buffer[1 << 16];
  for (;;) {
    auto n = read(buffer);
    if (!n) return n.error();
    if (*n == 0) return out;
    if (out.size() + *n > limit) {
      return make_error(ErrorCode::kOutOfRange, "file is larger than {} bytes", limit);
    }
    out.append(reinterpret_cast<const char*>(buffer), *n);
  }
}

std::optional<std::string> normalize_path(std::string_view path, bool clamp_at_root) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    if (part == "..") {
      if (parts.empty() && !clamp_at_root) return std::nullopt;
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out.push_back('/');
    out.append(p);
  }
  return out;
}

Status walk_tar(ByteStream& tar, const std::function<Status(const TarEntry&, EntryReader&)>& visit,
                const std::function<void(std::string_view)>& on_warning) {
  std::unique_ptr<struct archive, ArchiveDeleter> a(archive_read_new());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  ReadContext ctx{&tar};
  if (archive_read_open(a.get(), &ctx, nullptr, on_read, nullptr) != ARCHIVE_OK) {
    if (ctx.error) return *ctx.error;
    return make_error(ErrorCode::kCorrupt, "not a tar archive: {}", libarchive_message(a.get()));
  }
  ArchiveEntryReader reader(a.get());
  for (;;) {
    struct archive_entry* e = nullptr;
    int rc = archive_read_next_header(a.get(), &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc == ARCHIVE_FATAL) {
      if (ctx.error) return *ctx.error;
      return make_error(ErrorCode::kCorrupt, "tar: {}", libarchive_message(a.get()));
    }
    const char* raw = archive_entry_pathname(e);
    auto path = normalize_path(raw ? raw : "");
    if (!path) {
      if (on_warning)
        on_warning(std::string("skipped tar entry escaping the root: ") + (raw ? raw : ""));
      continue;
    }
    if (path->empty()) continue;  // the root itself
    TarEntry entry;
    entry.path = std::move(*path);
    entry.size = archive_entry_size(e);
    entry.mode = archive_entry_perm(e) | (archive_entry_mode(e) & 07000);
    if (const char* hard = archive_entry_hardlink(e)) {
      entry.type = TarEntry::Type::kHardlink;
      auto target = normalize_path(hard);
      if (!target) {
        if (on_warning) on_warning("skipped hard link escaping the root: " + entry.path);
        continue;
      }
      entry.link_target = *target;
    } else {
      switch (archive_entry_filetype(e)) {
        case AE_IFREG:
          entry.type = TarEntry::Type::kFile;
          break;
        case AE_IFDIR:
          entry.type = TarEntry::Type::kDirectory;
          break;
        case AE_IFLNK:
          entry.type = TarEntry::Type::kSymlink;
          entry.link_target = archive_entry_symlink(e) ? archive_entry_symlink(e) : "";
          break;
        default:
          entry.type = TarEntry::Type::kOther;
      }
    }
    PORTCULLIS_TRY(visit(entry, reader));
  }
  return Ok{};
}

}  // namespace portcullis::image
