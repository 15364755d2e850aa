#include "support/tar_builder.hpp"

#include <archive.h>
#include <archive_entry.h>

namespace portcullis::testing {

std::string build_tar(const std::vector<TarItem>& items, TarCompression compression) {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (compression == TarCompression::kGzip) archive_write_add_filter_gzip(a);
  if (compression == TarCompression::kZstd) archive_write_add_filter_zstd(a);
  archive_write_set_bytes_in_last_block(a, 1);
  std::string out(64 * 1024 * 1024, '\0');
  size_t used = 0;
  archive_write_open_memory(a, out.data(), out.size(), &used);
  for (const auto& item : items) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, item.path.c_str());
    archive_entry_set_perm(e, static_cast<mode_t>(item.mode));
    switch (item.kind) {
      case TarItem::Kind::kFile:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(item.content.size()));
        break;
      case TarItem::Kind::kDirectory:
        archive_entry_set_filetype(e, AE_IFDIR);
        break;
      case TarItem::Kind::kSymlink:
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, item.content.c_str());
        break;
      case TarItem::Kind::kHardlink:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, item.content.c_str());
        break;
    }
    archive_write_header(a, e);
    if (item.kind == TarItem::Kind::kFile)
      archive_write_data(a, item.content.data(), item.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

}  // namespace portcullis::testing
