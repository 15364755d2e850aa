#include "base/digest.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace portcullis {
namespace {

TEST(Digest, ParsesSha256) {
  auto d = Digest::parse("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->algorithm(), DigestAlgorithm::kSha256);
  EXPECT_EQ(d->str(), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Digest, RejectsUppercaseShortAndUnknown) {
  EXPECT_FALSE(
      Digest::parse("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
  EXPECT_FALSE(Digest::parse("sha256:abc"));
  EXPECT_FALSE(Digest::parse("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  auto unknown = Digest::parse("md5:d41d8cd98f00b204e9800998ecf8427e");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kUnsupported);
  EXPECT_FALSE(Digest::parse("SHA256:e3b0"));
  EXPECT_FALSE(Digest::parse(":"));
}

TEST(Digest, HashesKnownVectors) {
  EXPECT_EQ(digest_of("abc").str(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest_of("abc", DigestAlgorithm::kSha512).hex(),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c"
            "23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

TEST(Digest, StreamingEqualsOneShot) {
  std::string data(100000, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
  Hasher h;
  for (size_t i = 0; i < data.size(); i += 777) h.update(std::string_view(data).substr(i, 777));
  EXPECT_EQ(h.finish(), digest_of(data));
}

TEST(Digest, FileDigestMatchesContent) {
  testing::TempDir dir;
  auto path = dir.path() / "f";
  std::ofstream(path) << "hello";
  auto d = digest_file(path, DigestAlgorithm::kSha256);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, digest_of("hello"));
  auto missing = digest_file(dir.path() / "nope", DigestAlgorithm::kSha256);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().what().find("nope"), std::string::npos);
}

}  // namespace
}  // namespace portcullis
