// Garbage collection: deletes blobs no manifest references once they are older than a grace
// period, stale uploads, and content files that never got a metadata record.
#pragma once

#include <chrono>
#include <cstdint>

#include "store/blob_store.hpp"
#include "store/commit_lock.hpp"
#include "store/metadata_store.hpp"

namespace portcullis::store {

struct GcOptions {
  std::chrono::seconds grace_period{std::chrono::hours(1)};
  std::chrono::seconds upload_expiry{std::chrono::hours(24)};
};

struct GcReport {
  int64_t blobs_deleted = 0;
  int64_t bytes_freed = 0;
  int64_t orphan_files_deleted = 0;
  int64_t uploads_expired = 0;
};

Result<GcReport> collect_garbage(MetadataStore& metadata, BlobStore& blobs, const CommitLock& lock,
                                 const GcOptions& options);

}  // namespace portcullis::store
