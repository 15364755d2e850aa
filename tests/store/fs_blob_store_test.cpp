#include "store/fs_blob_store.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace portcullis::store {
namespace {

std::span<const std::byte> bytes(std::string_view s) {
  return std::as_bytes(std::span(s.data(), s.size()));
}

TEST(FsBlobStore, CommitMakesVerifiedContentVisible) {
  testing::TempDir dir;
  auto store = *FsBlobStore::open(dir.path());
  ASSERT_TRUE(store->create_upload("0123-abcd"));
  {
    auto w = store->append_upload("0123-abcd");
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->append(bytes("hello ")));
    ASSERT_TRUE((*w)->append(bytes("world")));
  }
  Digest digest = digest_of("hello world");
  EXPECT_FALSE(store->size_of(digest));
  auto size = store->commit_upload("0123-abcd", digest, nullptr);
  ASSERT_TRUE(size) << size.error().what();
  EXPECT_EQ(*size, 11);
  auto reader = store->open(digest);
  ASSERT_TRUE(reader);
  std::byte buf[5];
  EXPECT_EQ(*(*reader)->read_at(6, buf), 5u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 5), "world");
  EXPECT_TRUE(store->upload_size("0123-abcd").error().code() == ErrorCode::kNotFound);
}

TEST(FsBlobStore, DigestMismatchStoresNothing) {
  testing::TempDir dir;
  auto store = *FsBlobStore::open(dir.path());
  ASSERT_TRUE(store->create_upload("aa"));
  ASSERT_TRUE((*store->append_upload("aa"))->append(bytes("content")));
  Digest wrong = digest_of("other");
  auto r = store->commit_upload("aa", wrong, nullptr);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(store->size_of(wrong));
  EXPECT_FALSE(store->size_of(digest_of("content")));
  EXPECT_FALSE(store->upload_size("aa"));
}

TEST(FsBlobStore, Sha512Blobs) {
  testing::TempDir dir;
  auto store = *FsBlobStore::open(dir.path());
  ASSERT_TRUE(store->create_upload("bb"));
  ASSERT_TRUE((*store->append_upload("bb"))->append(bytes("x")));
  Digest d = digest_of("x", DigestAlgorithm::kSha512);
  ASSERT_TRUE(store->commit_upload("bb", d, nullptr));
  EXPECT_EQ(*store->size_of(d), 1);
  EXPECT_TRUE(std::filesystem::exists(store->blob_path(d)));
  EXPECT_NE(store->blob_path(d).string().find("/blobs/sha512/"), std::string::npos);
}

TEST(FsBlobStore, UploadIdsCannotEscape) {
  testing::TempDir dir;
  auto store = *FsBlobStore::open(dir.path());
  EXPECT_FALSE(store->create_upload("../../etc/passwd"));
  EXPECT_FALSE(store->create_upload("a/b"));
  EXPECT_FALSE(store->append_upload("../x"));
}

}  // namespace
}  // namespace portcullis::store
