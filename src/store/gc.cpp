// Mark (metadata query) and sweep (content deletion) under the exclusive commit lock.
#include "store/gc.hpp"

#include <set>
#include <string>

#include "base/log.hpp"

namespace portcullis::store {

Result<GcReport> collect_garbage(MetadataStore& metadata, BlobStore& blobs, const CommitLock& lock,
                                 const GcOptions& options) {
  GcReport report;
  int64_t now = unix_now();

  auto stale = metadata.uploads_started_before(now - options.upload_expiry.count());
  if (!stale) return stale.error();
  for (const auto& upload : *stale) {
    PORTCULLIS_TRY(blobs.remove_upload(upload.id));
    PORTCULLIS_TRY(metadata.delete_upload(upload.id));
    ++report.uploads_expired;
  }

  auto held = lock.exclusive();
  int64_t cutoff = now - options.grace_period.count();
  auto dead = metadata.collect_unreferenced_blobs(cutoff);
  if (!dead) return dead.error();
  for (const auto& text : *dead) {
    auto digest = Digest::parse(text);
    if (!digest) continue;
    auto size = blobs.size_of(*digest);
    PORTCULLIS_TRY(blobs.remove(*digest));
    ++report.blobs_deleted;
    if (size) report.bytes_freed += *size;
    log::info("gc: deleted blob", {{"digest", text}});
  }

  // Content with no record: left by a crash between the content rename and the metadata commit.
  auto known = metadata.known_blobs();
  if (!known) return known.error();
  std::set<std::string> live(known->begin(), known->end());
  auto cutoff_time = std::chrono::system_clock::now() - options.grace_period;
  std::vector<StoredBlob> orphans;
  PORTCULLIS_TRY(blobs.for_each([&](const StoredBlob& blob) {
    if (!live.contains(blob.digest.str()) && blob.modified < cutoff_time) orphans.push_back(blob);
  }));
  for (const auto& blob : orphans) {
    PORTCULLIS_TRY(blobs.remove(blob.digest));
    ++report.orphan_files_deleted;
    report.bytes_freed += blob.size;
  }
  return report;
}

}  // namespace portcullis::store
