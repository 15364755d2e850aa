// BlobStore: content-addressed blobs and the uploads that become them. The handlers see only
// this interface; the filesystem implementation is the default, object storage can follow.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/digest.hpp"
#include "base/result.hpp"

namespace portcullis::store {

// Read access to one committed blob.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  virtual int64_t size() const = 0;
  // Reads at `offset`; returns 0 at end.
  virtual Result<size_t> read_at(int64_t offset, std::span<std::byte> buffer) = 0;
  // A file descriptor for zero-copy sends (sendfile), or -1 when the backend has none.
  virtual int native_fd() const { return -1; }
};

// Append access to one upload in progress.
class UploadWriter {
 public:
  virtual ~UploadWriter() = default;
  virtual Status append(std::span<const std::byte> bytes) = 0;
  virtual int64_t size() const = 0;
};

struct StoredBlob {
  Digest digest;
  int64_t size = 0;
  std::chrono::system_clock::time_point modified;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  virtual Result<std::unique_ptr<BlobReader>> open(const Digest& digest) = 0;
  virtual Result<int64_t> size_of(const Digest& digest) = 0;  // kNotFound when absent
  virtual Status remove(const Digest& digest) = 0;
  // Calls `visit` for every committed blob (for garbage collection and metrics).
  virtual Status for_each(const std::function<void(const StoredBlob&)>& visit) = 0;

  virtual Status create_upload(std::string_view id) = 0;
  virtual Result<std::unique_ptr<UploadWriter>> append_upload(std::string_view id) = 0;
  virtual Result<int64_t> upload_size(std::string_view id) = 0;
  // Hashes the upload (unless `known` is the digest of its whole content, computed while it
  // streamed in), and when it equals `expected` makes it durable and visible under that digest.
  // On a mismatch the upload is discarded and kInvalidArgument returned: nothing is stored.
  virtual Result<int64_t> commit_upload(std::string_view id, const Digest& expected,
                                        const Digest* known) = 0;
  virtual Status remove_upload(std::string_view id) = 0;
};

}  // namespace portcullis::store
