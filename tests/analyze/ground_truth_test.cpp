// Full-corpus check (label: slow): every image in ../shared/images — each ref of the OCI layout,
// both platforms of the index, both docker-archives — yields exactly the ground-truth rows.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analyze/scan.hpp"
#include "analyze/secrets.hpp"
#include "base/file.hpp"
#include "support/temp_dir.hpp"

namespace portcullis::analyze {
namespace {

std::string shared(const std::string& rel) {
  const char* root = std::getenv("PORTCULLIS_SHARED");
  return std::string(root ? root : "../shared") + "/" + rel;
}

std::string dash(const std::string& s) { return s.empty() ? "-" : s; }

std::set<std::string> rows_of(const Inventory& inventory) {
  std::set<std::string> rows;
  for (const auto& p : inventory.packages) {
    bool os_package = p.type == "deb" || p.type == "apk" || p.type == "rpm";
    rows.insert(p.type + "\t" + p.name + "\t" + p.version + "\t" +
                dash(os_package ? p.source_name : "") + "\t" +
                dash(os_package ? p.source_version : "") + "\t" + dash(p.arch) + "\t" + p.purl +
                "\t" + p.layer_diff_id + "\t" + p.path);
  }
  return rows;
}

std::set<std::string> expected_rows(const std::string& file) {
  auto text = read_file(shared("images/expected/" + file));
  EXPECT_TRUE(text) << file;
  std::set<std::string> rows;
  std::istringstream lines(text ? *text : "");
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    if (!line.empty()) rows.insert(line);
  }
  return rows;
}

struct Case {
  std::string location;
  std::string platform;
  std::string expected;
};

class GroundTruth : public ::testing::TestWithParam<Case> {};

TEST_P(GroundTruth, PackagesEqualTheGroundTruthExactly) {
  const Case& c = GetParam();
  auto source = image::open_source(c.location, image::SourceOptions{c.platform});
  ASSERT_TRUE(source) << source.error().what();
  auto scan = scan_image(**source, ScanOptions{});
  ASSERT_TRUE(scan) << scan.error().what();
  auto got = rows_of(scan->inventory);
  auto want = expected_rows(c.expected);
  std::vector<std::string> missing, extra;
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                      std::back_inserter(missing));
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(), std::back_inserter(extra));
  EXPECT_TRUE(missing.empty()) << missing.size()
                               << " missing, first: " << (missing.empty() ? "" : missing[0]);
  EXPECT_TRUE(extra.empty()) << extra.size()
                             << " extra, first: " << (extra.empty() ? "" : extra[0]);
  EXPECT_FALSE(want.empty());
  RecordProperty("packages", static_cast<int>(got.size()));
}

INSTANTIATE_TEST_SUITE_P(
    SharedImages, GroundTruth,
    ::testing::Values(
        Case{"oci:" + shared("images/oci-layout") + ":debian-base", "linux/amd64",
             "debian-base.tsv"},
        Case{"oci:" + shared("images/oci-layout") + ":node-app", "linux/amd64", "node-app.tsv"},
        Case{"oci:" + shared("images/oci-layout") + ":polyglot", "linux/amd64", "polyglot.tsv"},
        Case{"oci:" + shared("images/oci-layout") + ":distroless", "linux/amd64",
             "distroless-linux-amd64.tsv"},
        Case{"oci:" + shared("images/oci-layout") + ":distroless", "linux/arm64",
             "distroless-linux-arm64.tsv"},
        Case{"docker-archive:" + shared("images/distroless-amd64.docker-archive.tar"),
             "linux/amd64", "distroless-linux-amd64.tsv"},
        Case{"docker-archive:" + shared("images/node-app.docker-archive.tar.gz"), "linux/amd64",
             "node-app.tsv"}));

TEST(Scan, WarmCacheReadsNoLayerAndGivesTheSameInventory) {
  testing::TempDir cache;
  auto location = "oci:" + shared("images/oci-layout") + ":node-app";
  ScanOptions options{cache.path()};
  auto cold = scan_image(**image::open_source(location, {}), options);
  ASSERT_TRUE(cold) << cold.error().what();
  EXPECT_EQ(cold->layers_read, 3);
  auto warm = scan_image(**image::open_source(location, {}), options);
  ASSERT_TRUE(warm) << warm.error().what();
  EXPECT_EQ(warm->layers_read, 0);
  EXPECT_EQ(warm->layers_cached, 3);
  EXPECT_EQ(rows_of(warm->inventory), rows_of(cold->inventory));
}

TEST(Scan, CorruptLayerInALayoutIsNamed) {
  testing::TempDir dir;
  std::filesystem::copy(shared("images/oci-layout"), dir.path() / "layout",
                        std::filesystem::copy_options::recursive);
  // distroless amd64's only layer: flip one byte.
  auto layer =
      dir.path() /
      "layout/blobs/sha256/6a69049153b96b05ed3df3e31ee894fa8d932b6b3f7ef90d94638ca51b7c9489";
  std::filesystem::permissions(layer, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  {
    std::fstream f(layer, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1000);
    f.put('\x42');
  }
  auto source = image::open_source("oci:" + (dir.path() / "layout").string() + ":distroless", {});
  ASSERT_TRUE(source);
  auto scan = scan_image(**source, ScanOptions{});
  ASSERT_FALSE(scan);
  EXPECT_NE(scan.error().what().find("6a69049153b96b05"), std::string::npos) << scan.error().what();
}

TEST(Scan, UnknownPlatformListsWhatExists) {
  auto source =
      image::open_source("oci:" + shared("images/oci-layout") + ":distroless", {"linux/s390x"});
  ASSERT_TRUE(source);
  auto scan = scan_image(**source, ScanOptions{});
  ASSERT_FALSE(scan);
  EXPECT_NE(scan.error().what().find("linux/amd64, linux/arm64/v8"), std::string::npos)
      << scan.error().what();
}

}  // namespace
}  // namespace portcullis::analyze

namespace portcullis::analyze {
namespace {

// node-app.lockfile.tsv: every declared package, and whether it is installed.
TEST(Scan, LockfileDeclaredButNotInstalledMatchesGroundTruth) {
  auto source = image::open_source("oci:" + shared("images/oci-layout") + ":node-app", {});
  ASSERT_TRUE(source);
  auto scan = scan_image(**source, ScanOptions{});
  ASSERT_TRUE(scan) << scan.error().what();
  std::set<std::string> got;
  for (const auto& p : scan->inventory.declared_only) {
    got.insert(p.name + "\t" + p.version + "\t" + p.scope + "\t" + p.path + "\tno\t-");
  }
  for (const auto& p : scan->inventory.packages) {
    if (p.type == "npm" && (p.name == "lodash" || p.name == "minimist")) {
      got.insert(p.name + "\t" + p.version + "\tprod\tapp/package-lock.json\tyes\t" + p.path);
    }
  }
  EXPECT_EQ(got, expected_rows("node-app.lockfile.tsv"));
  for (const auto& p : scan->inventory.packages) EXPECT_NE(p.name, "left-pad");
}

}  // namespace
}  // namespace portcullis::analyze

namespace portcullis::analyze {
namespace {

// The layout resolver verifies manifests itself, whichever source fetched them.
TEST(Scan, TamperedManifestInALayoutIsNamed) {
  testing::TempDir dir;
  std::filesystem::copy(shared("images/oci-layout"), dir.path() / "layout",
                        std::filesystem::copy_options::recursive);
  auto manifest =
      dir.path() /
      "layout/blobs/sha256/27b06bdf644ab5fb17e2ebb073c440d5499330addde7ff86f2c7a8aaa4a5b18a";
  std::filesystem::permissions(manifest, std::filesystem::perms::owner_write,
                               std::filesystem::perm_options::add);
  std::ofstream(manifest, std::ios::app) << ' ';
  auto source = image::open_source("oci:" + (dir.path() / "layout").string() + ":debian-base", {});
  ASSERT_TRUE(source);
  auto scan = scan_image(**source, ScanOptions{});
  ASSERT_FALSE(scan);
  EXPECT_NE(scan.error().what().find("does not match its digest"), std::string::npos)
      << scan.error().what();
}

}  // namespace
}  // namespace portcullis::analyze

namespace portcullis::analyze {
namespace {

// node-app.secrets.tsv: every planted secret — config Env, Labels and history, and the .env file
// that a later layer deleted (reported with its layer, not in the final filesystem) — and no
// other; values compared masked, since only masked values are ever kept.
void expect_secrets_match(const std::string& location) {
  auto source = image::open_source(location, {});
  ASSERT_TRUE(source);
  auto scan = scan_image(**source, ScanOptions{});
  ASSERT_TRUE(scan) << scan.error().what();
  std::set<std::string> got;
  for (const auto& s : scan->inventory.secrets) {
    bool file = s.location == "file";
    got.insert(s.rule + "\t" + s.location + "\t" + s.path + "\t" +
               (file ? std::to_string(s.line) : "-") + "\t" + dash(s.layer_diff_id) + "\t" +
               (file ? (s.in_final_fs ? "yes" : "no") : "-") + "\t" + s.masked);
    if (file && !s.in_final_fs) {
      EXPECT_FALSE(s.removed_by_layer.empty());
    }
  }
  std::set<std::string> want;
  for (const auto& row : expected_rows("node-app.secrets.tsv")) {
    auto tab = row.rfind('\t');
    want.insert(row.substr(0, tab + 1) + mask_secret(row.substr(tab + 1)));
  }
  EXPECT_EQ(got, want);
}

TEST(Scan, SecretsOfNodeAppMatchGroundTruth) {
  expect_secrets_match("oci:" + shared("images/oci-layout") + ":node-app");
  expect_secrets_match("docker-archive:" + shared("images/node-app.docker-archive.tar.gz"));
}

TEST(Scan, SetuidFilesOfDebianBaseMatchGroundTruth) {
  auto source = image::open_source("oci:" + shared("images/oci-layout") + ":debian-base", {});
  ASSERT_TRUE(source);
  auto scan = scan_image(**source, ScanOptions{});
  ASSERT_TRUE(scan) << scan.error().what();
  std::set<std::string> got;
  for (const auto& f : scan->inventory.special_files) {
    got.insert(f.path + "\t" + fmt::format("0{:o}", f.mode) + "\t" + f.layer_diff_id);
  }
  std::set<std::string> want;
  for (const auto& row : expected_rows("debian-base.setuid.tsv")) {
    std::istringstream cols(row);
    std::string path, mode, uid, gid, kind, package, layer;
    cols >> path >> mode >> uid >> gid >> kind >> package >> layer;
    want.insert(path + "\t" + mode + "\t" + layer);
  }
  EXPECT_EQ(got, want);
  EXPECT_TRUE(scan->inventory.secrets.empty());
  std::set<std::string> managers(scan->inventory.package_managers.begin(),
                                 scan->inventory.package_managers.end());
  EXPECT_TRUE(managers.contains("usr/bin/apt-get"));
  EXPECT_TRUE(managers.contains("usr/bin/dpkg"));
}

}  // namespace
}  // namespace portcullis::analyze
