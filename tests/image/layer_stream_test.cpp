// Decompression and tar walking, including hostile input.
#include <gtest/gtest.h>

#include <cstring>

#include "image/byte_stream.hpp"
#include "image/tar_walker.hpp"
#include "support/string_stream.hpp"
#include "support/tar_builder.hpp"

namespace portcullis::image {
namespace {

using testing::TarItem;

using testing::StringStream;

Result<std::string> decompress_all(const std::string& data, Compression* kind,
                                   uint64_t limit = 1 << 30) {
  StringStream in(data);
  auto out = open_decompressed(in, kind, limit);
  if (!out) return out.error();
  std::string result;
  std::byte buf[4096];
  for (;;) {
    auto n = (*out)->read(buf);
    if (!n) return n.error();
    if (*n == 0) return result;
    result.append(reinterpret_cast<char*>(buf), *n);
  }
}

std::vector<std::string> paths_of(const std::string& tar) {
  StringStream in(tar);
  std::vector<std::string> paths;
  auto status = walk_tar(in, [&](const TarEntry& e, EntryReader&) -> Status {
    paths.push_back(e.path);
    return Ok{};
  });
  EXPECT_TRUE(status) << (status ? "" : status.error().what());
  return paths;
}

TEST(Decompress, DetectsGzipZstdAndPlain) {
  std::vector<TarItem> items = {{"a.txt", std::string(100000, 'a')}};
  std::string plain = testing::build_tar(items);
  for (auto [c, want] : {std::pair{testing::TarCompression::kNone, Compression::kNone},
                         std::pair{testing::TarCompression::kGzip, Compression::kGzip},
                         std::pair{testing::TarCompression::kZstd, Compression::kZstd}}) {
    Compression kind{};
    auto out = decompress_all(testing::build_tar(items, c), &kind);
    ASSERT_TRUE(out) << out.error().what();
    EXPECT_EQ(kind, want);
    EXPECT_EQ(*out, plain);
  }
}

TEST(Decompress, ConcatenatedGzipMembers) {
  std::string one = testing::build_tar({{"x", "1"}}, testing::TarCompression::kGzip);
  auto a = decompress_all(one, nullptr);
  auto both = decompress_all(one + one, nullptr);
  ASSERT_TRUE(a && both);
  EXPECT_EQ(*both, *a + *a);
}

TEST(Decompress, TruncatedAndCorruptStreamsFail) {
  std::string gz =
      testing::build_tar({{"x", std::string(50000, 'q')}}, testing::TarCompression::kGzip);
  auto truncated = decompress_all(gz.substr(0, gz.size() / 2), nullptr);
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code(), ErrorCode::kCorrupt);
  std::string corrupt = gz;
  for (size_t i = 20; i < 60; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  EXPECT_FALSE(decompress_all(corrupt, nullptr));
  std::string zst =
      testing::build_tar({{"x", std::string(50000, 'q')}}, testing::TarCompression::kZstd);
  EXPECT_FALSE(decompress_all(zst.substr(0, zst.size() - 10), nullptr));
}

TEST(Decompress, BombIsStoppedAtTheLimit) {
  std::string gz =
      testing::build_tar({{"zeros", std::string(8 << 20, '\0')}}, testing::TarCompression::kGzip);
  auto out = decompress_all(gz, nullptr, 1 << 20);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message().find("exceeds"), std::string::npos);
}

TEST(TarWalker, NormalizesPathsAndSkipsEscapes) {
  std::string tar = testing::build_tar({{"./etc/os-release", "ID=x"},
                                        {"../../etc/passwd", "evil"},
                                        {"usr/../../escape", "evil"},
                                        {"/abs/file", "ok"},
                                        {"a//b/./c", "ok"}});
  EXPECT_EQ(paths_of(tar), (std::vector<std::string>{"etc/os-release", "abs/file", "a/b/c"}));
}

TEST(TarWalker, NormalizePath) {
  EXPECT_EQ(*normalize_path("./a/b/../c"), "a/c");
  EXPECT_EQ(*normalize_path("/"), "");
  EXPECT_FALSE(normalize_path(".."));
  EXPECT_FALSE(normalize_path("a/../../b"));
}

TEST(TarWalker, TruncatedTarIsAnError) {
  std::string tar = testing::build_tar({{"big", std::string(100000, 'z')}});
  StringStream in(tar.substr(0, 20000));
  auto status = walk_tar(in, [&](const TarEntry&, EntryReader& r) -> Status {
    auto all = r.read_all(1 << 20);
    if (!all) return all.error();
    return Ok{};
  });
  EXPECT_FALSE(status);
}

TEST(TarWalker, NotATar) {
  StringStream in(std::string(4096, 'x'));
  EXPECT_FALSE(walk_tar(in, [](const TarEntry&, EntryReader&) -> Status { return Ok{}; }));
}

}  // namespace
}  // namespace portcullis::image
