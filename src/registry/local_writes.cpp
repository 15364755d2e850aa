// The server's own writes (promotion copies, mirrored images, scan results): blobs stored or
// mounted without a client upload, under the same commit lock as uploads so garbage collection
// never races them.
#include <cstring>

#include "registry/registry.hpp"

namespace portcullis::registry {

Status Registry::link_blob(std::string_view repository, const Digest& digest) {
  auto held = commit_lock_.shared();
  auto size = blobs_.size_of(digest);
  if (!size) return size.error().context("blob {}", digest.str());
  return metadata_.link_blob(repository, digest, *size);
}

Status Registry::put_blob_from(std::string_view repository, const Digest& expected,
                               const BlobReadFn& read) {
  if (link_blob(repository, expected)) return Ok{};
  std::string id = new_upload_id();
  PORTCULLIS_TRY(blobs_.create_upload(id));
  auto fail = [&](Error e) {
    (void)blobs_.remove_upload(id);
    return e;
  };
  {
    auto writer = blobs_.append_upload(id);
    if (!writer) return fail(writer.error());
    std::vector<std::byte> buffer(1 << 17);
    for (;;) {
      auto n = read(buffer);
      if (!n) return fail(n.error());
      if (*n == 0) break;
      if (auto ok = (*writer)->append(std::span(buffer.data(), *n)); !ok) return fail(ok.error());
    }
  }
  auto held = commit_lock_.shared();
  auto committed = blobs_.commit_upload(id, expected, nullptr);
  if (!committed) return fail(committed.error());
  return metadata_.link_blob(repository, expected, *committed);
}

Result<Digest> Registry::put_blob(std::string_view repository, std::string_view content) {
  Digest digest = digest_of(content);
  size_t offset = 0;
  PORTCULLIS_TRY(
      put_blob_from(repository, digest, [&](std::span<std::byte> buffer) -> Result<size_t> {
        size_t n = std::min(buffer.size(), content.size() - offset);
        std::memcpy(buffer.data(), content.data() + offset, n);
        offset += n;
        return n;
      }));
  return digest;
}

}  // namespace portcullis::registry
