// The DB and the matcher over checked-in feed slices: build, metadata, findings per ecosystem,
// alias merging, withdrawn and not-affected records, and what a failed build leaves.
#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.hpp"
#include "vuln/database.hpp"
#include "vuln/matcher.hpp"

namespace portcullis::vuln {
namespace {

const std::string kData = std::string(PORTCULLIS_TEST_DATA) + "/vuln";

class MatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() / "vuln.db";
    auto built = build_database({{"osv", kData + "/osv"},
                                 {"debian", kData + "/tracker-sample.json"},
                                 {"alpine", kData + "/secdb"}},
                                path_, [](const std::string&) {});
    ASSERT_TRUE(built) << built.error().what();
    auto db = Database::open(path_);
    ASSERT_TRUE(db) << db.error().what();
    db_ = std::move(*db);
  }

  std::vector<Finding> findings(analyze::Inventory inventory) {
    for (auto& p : inventory.packages) p.purl = analyze::make_purl(p, inventory.os);
    auto r = match(inventory, *db_);
    EXPECT_TRUE(r) << r.error().what();
    return r ? r->findings : std::vector<Finding>{};
  }

  static analyze::Package npm(std::string name, std::string version) {
    analyze::Package p;
    p.type = "npm";
    p.name = std::move(name);
    p.version = std::move(version);
    p.path = "node_modules/" + p.name + "/package.json";
    return p;
  }

  static std::vector<std::string> ids(const std::vector<Finding>& fs) {
    std::vector<std::string> out;
    for (const auto& f : fs) out.push_back(f.id);
    return out;
  }

  testing::TempDir dir_;
  std::filesystem::path path_;
  std::unique_ptr<Database> db_;
};

TEST_F(MatchTest, MetadataCountsEverySource) {
  const auto& m = db_->metadata();
  EXPECT_EQ(m.schema_version, kSchemaVersion);
  ASSERT_EQ(m.sources.size(), 3U);
  EXPECT_EQ(m.sources[2].name, "osv");
  EXPECT_EQ(m.sources[2].advisories, 7);  // 8 records, one withdrawn
  EXPECT_EQ(m.sources[2].withdrawn, 1);
  EXPECT_EQ(m.sources[2].snapshot.size(), 20U);
}

TEST_F(MatchTest, LodashAndMinimistExactly) {
  analyze::Inventory inv;
  inv.packages = {npm("lodash", "4.17.15"), npm("minimist", "1.2.0"), npm("lodash", "4.17.21")};
  auto fs = findings(inv);
  EXPECT_EQ(ids(fs), (std::vector<std::string>{"GHSA-29mw-wpgm-hmr9", "GHSA-p6mc-m468-83gw",
                                               "GHSA-vh95-rmgr-6w4m", "GHSA-xvch-5gv4-984h"}));
  const Finding& p6mc = fs[1];
  EXPECT_EQ(p6mc.aliases, std::vector<std::string>{"CVE-2020-8203"});
  EXPECT_EQ(p6mc.fixed_versions, std::vector<std::string>{"4.17.20"});
  EXPECT_EQ(p6mc.severity, "HIGH");
  EXPECT_EQ(p6mc.severity_source, "cvss");
  EXPECT_DOUBLE_EQ(p6mc.cvss_score, 7.4);
  EXPECT_EQ(p6mc.installed_version, "4.17.15");
}

TEST_F(MatchTest, CaseInsensitiveNpmNamesAndShortEventVersions) {
  analyze::Inventory inv;
  inv.packages = {npm("axios", "1.5.0"), npm("node-fetch", "1.5.0"), npm("node-fetch", "0.9.0")};
  auto fs = findings(inv);
  ASSERT_EQ(ids(fs), (std::vector<std::string>{"GHSA-8hc4-vh64-cxmj", "GHSA-r683-j2x4-v87g",
                                               "GHSA-r683-j2x4-v87g"}));
  // node-fetch 1.5.0 is in both of the record's ranges ("1.0" read as 1.0.0): one finding.
  EXPECT_EQ(fs[2].installed_version, "1.5.0");
  EXPECT_EQ(fs[2].fixed_versions, (std::vector<std::string>{"2.6.7", "3.1.1"}));
  EXPECT_EQ(fs[1].fixed_versions, std::vector<std::string>{"2.6.7"});
}

TEST_F(MatchTest, DebianBySourcePackageAndRelease) {
  analyze::Inventory inv;
  inv.os = {"debian", "12", "Debian GNU/Linux 12 (bookworm)"};
  analyze::Package libc;
  libc.type = "deb";
  libc.name = "libc6";
  libc.version = "2.36-9+deb12u1";
  libc.source_name = "glibc";
  libc.source_version = "2.36-9+deb12u1";
  analyze::Package xz = libc;
  xz.name = "liblzma5";
  xz.source_name = "xz-utils";
  xz.version = xz.source_version = "5.4.1-0.2";
  analyze::Package fixed = libc;
  fixed.version = fixed.source_version = "2.36-9+deb12u3";
  fixed.path = "other";
  inv.packages = {libc, xz, fixed};
  auto fs = findings(inv);
  ASSERT_EQ(ids(fs), std::vector<std::string>{"CVE-2023-4911"});
  EXPECT_EQ(fs[0].package_name, "libc6");
  EXPECT_EQ(fs[0].ecosystem, "Debian:12");
  EXPECT_EQ(fs[0].fixed_versions, std::vector<std::string>{"2.36-9+deb12u3"});
  // The same package on Debian 11 is looked up under Debian:11.
  inv.os.version_id = "11";
  for (const auto& f : findings(inv)) EXPECT_EQ(f.ecosystem, "Debian:11");
}

TEST_F(MatchTest, AlpineByOriginAndBranch) {
  analyze::Inventory inv;
  inv.os = {"alpine", "3.20.3", "Alpine Linux v3.20"};
  analyze::Package z;
  z.type = "apk";
  z.name = "zlib";
  z.version = "1.2.12-r1";
  z.source_name = "zlib";
  inv.packages = {z};
  EXPECT_EQ(ids(findings(inv)), std::vector<std::string>{"CVE-2022-37434"});
  inv.packages[0].version = "1.3.1-r0";
  EXPECT_TRUE(findings(inv).empty());  // fixed; and the "0" CVEs never apply
  inv.os.version_id = "3.19.1";        // no data for that branch: a warning, no findings
  auto r = match(inv, *db_);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->findings.empty());
  ASSERT_EQ(r->warnings.size(), 1U);
  EXPECT_NE(r->warnings[0].find("Alpine:v3.19"), std::string::npos);
}

TEST_F(MatchTest, PypiNamesNormalized) {
  analyze::Inventory inv;
  analyze::Package j;
  j.type = "python";
  j.name = "Jinja2";
  j.version = "2.7.1";
  inv.packages = {j};
  EXPECT_EQ(ids(findings(inv)), std::vector<std::string>{"PYSEC-2014-8"});
}

TEST(Database, MissingAndForeignFilesAreClearErrors) {
  testing::TempDir dir;
  auto missing = Database::open(dir.path() / "none.db");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find("portcullis db update"), std::string::npos);
  std::ofstream(dir.path() / "junk.db") << "not sqlite";
  EXPECT_FALSE(Database::open(dir.path() / "junk.db"));
}

TEST(Database, FailedBuildLeavesTheOldFile) {
  testing::TempDir dir;
  auto out = dir.path() / "vuln.db";
  ASSERT_TRUE(build_database({{"osv", kData + "/osv"}}, out, [](const std::string&) {}));
  auto before = std::filesystem::file_size(out);
  std::ofstream(dir.path() / "bad.json") << R"({"id": "X", "modified": "m", "affected": [{}], )";
  auto failed = build_database({{"osv", kData + "/osv"}, {"bad", dir.path() / "bad.json"}}, out,
                               [](const std::string&) {});
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().what().find("bad.json"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(out), before);
  size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 2U);  // vuln.db and bad.json: no temporary file left
}

}  // namespace
}  // namespace portcullis::vuln
