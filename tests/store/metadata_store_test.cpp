#include <gtest/gtest.h>

#include "store/sqlite_metadata_store.hpp"
#include "support/temp_dir.hpp"

namespace portcullis::store {
namespace {

class MetadataStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = SqliteMetadataStore::open(dir_.path() / "m.db");
    ASSERT_TRUE(opened) << opened.error().what();
    store_ = std::move(*opened);
  }
  testing::TempDir dir_;
  std::unique_ptr<SqliteMetadataStore> store_;
};

Digest d(char c) { return *Digest::parse("sha256:" + std::string(64, c)); }

ManifestRecord manifest(const std::string& digest, const std::string& subject = "") {
  return ManifestRecord{digest, "application/vnd.oci.image.manifest.v1+json", "{}", "t", subject,
                        ""};
}

TEST_F(MetadataStoreTest, ReopeningKeepsDataAndSkipsAppliedMigrations) {
  ASSERT_TRUE(store_->link_blob("a", d('1'), 5));
  store_.reset();
  auto reopened = SqliteMetadataStore::open(dir_.path() / "m.db");
  ASSERT_TRUE(reopened) << reopened.error().what();
  EXPECT_EQ(**(*reopened)->linked_blob("a", d('1')), 5);
}

TEST_F(MetadataStoreTest, BlobLinksArePerRepository) {
  ASSERT_TRUE(store_->link_blob("a", d('1'), 5));
  EXPECT_TRUE(store_->linked_blob("a", d('1'))->has_value());
  EXPECT_FALSE(store_->linked_blob("b", d('1'))->has_value());
  EXPECT_EQ(*store_->repositories_with_blob(d('1')), std::vector<std::string>{"a"});
  EXPECT_TRUE(*store_->unlink_blob("a", d('1')));
  EXPECT_FALSE(*store_->unlink_blob("a", d('1')));
}

TEST_F(MetadataStoreTest, ManifestWithUnknownBlobIsRefusedAndNothingStored) {
  ASSERT_TRUE(store_->link_blob("a", d('1'), 5));
  std::vector<ManifestReference> refs = {{d('1').str(), false, true}, {d('2').str(), false, true}};
  auto status = store_->put_manifest("a", manifest(d('9').str()), refs, "latest");
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(status.error().message().find(d('2').str()), std::string::npos);
  EXPECT_FALSE(store_->get_manifest("a", d('9').str())->has_value());
  EXPECT_FALSE(store_->resolve_tag("a", "latest")->has_value());
}

TEST_F(MetadataStoreTest, ForeignLayersNeedNotExist) {
  std::vector<ManifestReference> refs = {{d('2').str(), false, false}};
  EXPECT_TRUE(store_->put_manifest("a", manifest(d('9').str()), refs, std::nullopt));
}

TEST_F(MetadataStoreTest, DeletingATagKeepsTheManifest) {
  ASSERT_TRUE(store_->put_manifest("a", manifest(d('9').str()), {}, "v1"));
  ASSERT_TRUE(store_->put_manifest("a", manifest(d('9').str()), {}, "v2"));
  EXPECT_TRUE(*store_->delete_tag("a", "v1"));
  EXPECT_TRUE(store_->get_manifest("a", d('9').str())->has_value());
  EXPECT_EQ(*store_->list_tags("a", "", 100), std::vector<std::string>{"v2"});
  // Deleting the manifest removes the tags that point at it.
  EXPECT_TRUE(*store_->delete_manifest("a", d('9').str()));
  EXPECT_TRUE(store_->list_tags("a", "", 100)->empty());
}

TEST_F(MetadataStoreTest, TagsPaginateLexically) {
  for (const char* t : {"c", "a", "b", "d"}) {
    ASSERT_TRUE(store_->put_manifest("a", manifest(d('9').str()), {}, std::string_view(t)));
  }
  EXPECT_EQ(*store_->list_tags("a", "", 2), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*store_->list_tags("a", "b", 2), (std::vector<std::string>{"c", "d"}));
}

TEST_F(MetadataStoreTest, ReferrersBySubject) {
  ASSERT_TRUE(store_->put_manifest("a", manifest(d('8').str(), d('9').str()), {}, std::nullopt));
  ASSERT_TRUE(store_->put_manifest("b", manifest(d('7').str(), d('9').str()), {}, std::nullopt));
  auto refs = store_->referrers("a", d('9').str());
  ASSERT_EQ(refs->size(), 1u);
  EXPECT_EQ((*refs)[0].digest, d('8').str());
  EXPECT_EQ((*refs)[0].size, 2);
}

TEST_F(MetadataStoreTest, UsersAndGrants) {
  ASSERT_TRUE(store_->put_user(User{"alice", "hash", false}));
  ASSERT_TRUE(store_->put_grant(Grant{"alice", "stage/", "pull,push"}));
  EXPECT_EQ(store_->grants_for("alice")->size(), 1u);
  EXPECT_FALSE(store_->put_grant(Grant{"nobody", "x", "pull"}));  // foreign key
  EXPECT_TRUE(*store_->delete_user("alice"));
  EXPECT_TRUE(store_->grants_for("alice")->empty());
}

}  // namespace
}  // namespace portcullis::store
