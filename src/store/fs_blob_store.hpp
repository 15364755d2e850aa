// Filesystem BlobStore: blobs/<alg>/<2 hex>/<hex>, uploads/<id>; commits are fsync + rename.
#pragma once

#include <filesystem>

#include "store/blob_store.hpp"

namespace portcullis::store {

class FsBlobStore final : public BlobStore {
 public:
  static Result<std::unique_ptr<FsBlobStore>> open(const std::filesystem::path& root);

  Result<std::unique_ptr<BlobReader>> open(const Digest& digest) override;
  Result<int64_t> size_of(const Digest& digest) override;
  Status remove(const Digest& digest) override;
  Status for_each(const std::function<void(const StoredBlob&)>& visit) override;

  Status create_upload(std::string_view id) override;
  Result<std::unique_ptr<UploadWriter>> append_upload(std::string_view id) override;
  Result<int64_t> upload_size(std::string_view id) override;
  Result<int64_t> commit_upload(std::string_view id, const Digest& expected,
                                const Digest* known) override;
  Status remove_upload(std::string_view id) override;

  std::filesystem::path blob_path(const Digest& digest) const;

 private:
  explicit FsBlobStore(std::filesystem::path root) : root_(std::move(root)) {}
  Result<std::filesystem::path> upload_path(std::string_view id) const;

  std::filesystem::path root_;
};

}  // namespace portcullis::store
