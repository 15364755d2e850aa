#include "store/gc.hpp"

#include <gtest/gtest.h>

#include "store/fs_blob_store.hpp"
#include "store/sqlite_metadata_store.hpp"
#include "support/temp_dir.hpp"

namespace portcullis::store {
namespace {

class GcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    metadata_ = std::move(*SqliteMetadataStore::open(dir_.path() / "m.db"));
    blobs_ = std::move(*FsBlobStore::open(dir_.path()));
    lock_ = std::make_unique<CommitLock>(std::move(*CommitLock::open(dir_.path())));
  }
  Digest store_blob(const std::string& repo, const std::string& content) {
    static int n = 0;
    std::string id = "abc" + std::to_string(n++);
    EXPECT_TRUE(blobs_->create_upload(id));
    std::string_view s = content;
    EXPECT_TRUE((*blobs_->append_upload(id))->append(std::as_bytes(std::span(s.data(), s.size()))));
    Digest d = digest_of(content);
    EXPECT_TRUE(blobs_->commit_upload(id, d, nullptr));
    EXPECT_TRUE(metadata_->link_blob(repo, d, static_cast<int64_t>(content.size())));
    return d;
  }
  testing::TempDir dir_;
  std::unique_ptr<SqliteMetadataStore> metadata_;
  std::unique_ptr<FsBlobStore> blobs_;
  std::unique_ptr<CommitLock> lock_;
};

TEST_F(GcTest, DeletesOnlyUnreferencedBlobsPastGrace) {
  Digest used = store_blob("a", "layer");
  Digest unused = store_blob("a", "orphan");
  ASSERT_TRUE(metadata_->put_manifest(
      "a",
      ManifestRecord{digest_of("m").str(), "application/vnd.oci.image.manifest.v1+json", "m", "",
                     "", ""},
      {{used.str(), false, true}}, "v1"));

  // Within the grace period nothing goes (a push may be about to reference it).
  auto first = collect_garbage(*metadata_, *blobs_, *lock_, GcOptions{std::chrono::hours(1)});
  ASSERT_TRUE(first) << first.error().what();
  EXPECT_EQ(first->blobs_deleted, 0);
  EXPECT_TRUE(blobs_->size_of(unused));

  // Created "in the future" relative to a negative grace: everything unreferenced is old enough.
  auto second = collect_garbage(*metadata_, *blobs_, *lock_, GcOptions{std::chrono::seconds(-5)});
  ASSERT_TRUE(second) << second.error().what();
  EXPECT_EQ(second->blobs_deleted, 1);
  EXPECT_FALSE(blobs_->size_of(unused));
  EXPECT_TRUE(blobs_->size_of(used));
  EXPECT_FALSE(metadata_->linked_blob("a", unused)->has_value());
}

TEST_F(GcTest, OrphanContentWithoutRecordIsRemoved) {
  ASSERT_TRUE(blobs_->create_upload("dd"));
  std::string_view s = "stray";
  ASSERT_TRUE((*blobs_->append_upload("dd"))->append(std::as_bytes(std::span(s.data(), s.size()))));
  Digest d = digest_of("stray");
  ASSERT_TRUE(blobs_->commit_upload("dd", d, nullptr));  // content, but the link never happened
  auto report = collect_garbage(*metadata_, *blobs_, *lock_, GcOptions{std::chrono::seconds(-5)});
  ASSERT_TRUE(report);
  EXPECT_EQ(report->orphan_files_deleted, 1);
  EXPECT_FALSE(blobs_->size_of(d));
}

}  // namespace
}  // namespace portcullis::store
