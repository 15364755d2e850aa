// Layer merging: whiteouts, opaque directories, replaced files, symlinked os-release, loops.
#include <gtest/gtest.h>

#include <cstring>

#include "analyze/scan.hpp"
#include "support/string_stream.hpp"
#include "support/tar_builder.hpp"

namespace portcullis::analyze {
namespace {

using testing::TarItem;

using testing::StringStream;

LayerResult layer(const std::vector<TarItem>& items) {
  StringStream in(testing::build_tar(items, testing::TarCompression::kGzip));
  auto r = analyze_layer(in, std::nullopt, 1 << 30);
  EXPECT_TRUE(r) << r.error().what();
  return r ? std::move(*r) : LayerResult{};
}

Inventory merge(const std::vector<LayerResult>& layers) {
  std::vector<const LayerFindings*> f;
  std::vector<std::string> ids;
  for (size_t i = 0; i < layers.size(); ++i) {
    f.push_back(&layers[i].findings);
    ids.push_back("layer" + std::to_string(i));
  }
  return merge_layers(f, ids);
}

std::string pkg(const std::string& name, const std::string& version) {
  return R"({"name":")" + name + R"(","version":")" + version + R"("})";
}

TEST(Merge, OpaqueWhiteoutHidesLowerPackage) {
  auto a = layer({{"app/node_modules/lodash/package.json", pkg("lodash", "4.17.4")},
                  {"app/node_modules/lodash/old.js", "x"}});
  auto b = layer({{"app/node_modules/lodash/.wh..wh..opq", ""},
                  {"app/node_modules/lodash/package.json", pkg("lodash", "4.17.15")},
                  {"app/node_modules/minimist/package.json", pkg("minimist", "1.2.0")}});
  auto inv = merge({a, b});
  ASSERT_EQ(inv.packages.size(), 2u);
  EXPECT_EQ(inv.packages[0].name, "lodash");
  EXPECT_EQ(inv.packages[0].version, "4.17.15");
  EXPECT_EQ(inv.packages[0].layer_diff_id, "layer1");
}

TEST(Merge, OpaqueDirectoryAloneRemovesLowerContent) {
  auto a = layer({{"app/node_modules/lodash/package.json", pkg("lodash", "4.17.4")}});
  auto b = layer({{"app/node_modules/.wh..wh..opq", ""}});
  EXPECT_TRUE(merge({a, b}).packages.empty());
}

TEST(Merge, WhiteoutOfADirectoryRemovesEverythingBelow) {
  auto a = layer({{"srv/node_modules/a/package.json", pkg("a", "1.0.0")},
                  {"srv/node_modules/b/package.json", pkg("b", "2.0.0")}});
  auto b = layer({{"srv/.wh.node_modules", ""}});
  EXPECT_TRUE(merge({a, b}).packages.empty());
  // A sibling whose name merely starts the same is untouched.
  auto c = layer({{"srv/node_modules2/c/node_modules/x/package.json", pkg("x", "1")}});
  auto d = layer({{"srv/.wh.node_modules", ""}});
  EXPECT_EQ(merge({c, d}).packages.size(), 1u);
}

TEST(Merge, ReplacedFileWithoutPackagesRemovesTheOldOnes) {
  auto a = layer({{"app/node_modules/a/package.json", pkg("a", "1.0.0")}});
  auto b = layer({{"app/node_modules/a/package.json", "{}"}});
  EXPECT_TRUE(merge({a, b}).packages.empty());
}

TEST(Merge, DpkgStatusDeletedByALaterLayer) {
  std::string status =
      "Package: bash\nStatus: install ok installed\nVersion: 5.2-1\nArchitecture: amd64\n\n";
  auto a = layer({{"var/lib/dpkg/status", status}});
  auto b = layer({{"var/lib/dpkg/.wh.status", ""}});
  EXPECT_EQ(merge({a}).packages.size(), 1u);
  EXPECT_TRUE(merge({a, b}).packages.empty());
}

TEST(Merge, DebKeepsTheLayerThatFirstHadIt) {
  std::string one = "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n";
  std::string two =
      one + "Package: b\nStatus: install ok installed\nVersion: 2\nArchitecture: all\n\n";
  auto inv = merge({layer({{"var/lib/dpkg/status", one}}), layer({{"var/lib/dpkg/status", two}})});
  ASSERT_EQ(inv.packages.size(), 2u);
  EXPECT_EQ(inv.packages[0].layer_diff_id, "layer0");  // a: unchanged since the first layer
  EXPECT_EQ(inv.packages[1].layer_diff_id, "layer1");
}

TEST(Merge, OsReleaseThroughSymlinkAcrossLayers) {
  auto a = layer({{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n"}});
  auto b = layer({{"etc/os-release", "../usr/lib/os-release", TarItem::Kind::kSymlink}});
  auto inv = merge({a, b});
  EXPECT_EQ(inv.os.id, "debian");
  EXPECT_EQ(inv.os.version_id, "12");
}

TEST(Merge, SymlinkLoopsAndEscapesDoNotHang) {
  auto a =
      layer({{"etc/os-release", "os-release", TarItem::Kind::kSymlink},
             {"usr/lib/os-release", "../../../../usr/lib/os-release", TarItem::Kind::kSymlink}});
  auto inv = merge({a});
  EXPECT_TRUE(inv.os.empty());
}

TEST(Merge, HardLinkToAWantedFile) {
  auto a = layer({{"app/node_modules/a/package.json", pkg("a", "1.0.0")},
                  {"app/node_modules/b/package.json", "app/node_modules/a/package.json",
                   TarItem::Kind::kHardlink}});
  EXPECT_EQ(merge({a}).packages.size(), 2u);
}

TEST(Merge, WhiteoutMarkersAreNeverPackagesOrFiles) {
  auto a = layer({{"app/.wh.package.json", ""}, {"app/node_modules/.wh.x", ""}});
  EXPECT_TRUE(a.findings.touched.empty());
  EXPECT_EQ(a.findings.whiteouts.size(), 2u);
}

TEST(Layer, DigestMismatchIsReported) {
  std::string data = testing::build_tar({{"x", "y"}}, testing::TarCompression::kGzip);
  StringStream in(data);
  auto r = analyze_layer(in, digest_of("not this"), 1 << 30);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find(digest_of("not this").str()), std::string::npos);
}

}  // namespace
}  // namespace portcullis::analyze

namespace portcullis::analyze {
namespace {

TEST(Merge, LockfileV1NestedDeclaredOnly) {
  std::string lock = R"({"lockfileVersion":1,"dependencies":{
    "a":{"version":"1.0.0","dependencies":{"b":{"version":"2.0.0","dev":true}}},
    "c":{"version":"3.0.0"}}})";
  auto inv = merge({layer({{"srv/package-lock.json", lock},
                           {"srv/node_modules/a/package.json", pkg("a", "1.0.0")},
                           {"srv/node_modules/c/package.json", pkg("c", "3.0.0")}})});
  ASSERT_EQ(inv.packages.size(), 2u);
  ASSERT_EQ(inv.declared_only.size(), 1u);
  EXPECT_EQ(inv.declared_only[0].name, "b");
  EXPECT_EQ(inv.declared_only[0].scope, "dev");
  EXPECT_EQ(inv.declared_only[0].install_path, "srv/node_modules/a/node_modules/b");
}

}  // namespace
}  // namespace portcullis::analyze
