// Package database parsers against small real slices and the shared apk fixtures.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analyze/analyzers.hpp"
#include "base/file.hpp"

namespace portcullis::analyze {
namespace {

std::string shared(const std::string& rel) {
  const char* root = std::getenv("PORTCULLIS_SHARED");
  return std::string(root ? root : "../shared") + "/" + rel;
}

TEST(Dpkg, OnlyInstalledPackagesCount) {
  auto p = parse_dpkg_status(
      "Package: a\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n"
      "Package: b\nStatus: deinstall ok config-files\nVersion: 2.0\nArchitecture: amd64\n\n"
      "Package: c\nStatus: install ok half-installed\nVersion: 3.0\n",
      true);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].name, "a");
}

TEST(Dpkg, SourceVersionFallsBackToBinaryVersion) {
  auto p = parse_dpkg_status(
      "Package: libudev1\nStatus: install ok installed\nSource: systemd\nVersion: 252-1\n"
      "Description: x\n continuation: not a field\n\n"
      "Package: bsdutils\nStatus: install ok installed\nSource: util-linux (2.38.1-5)\nVersion: "
      "1:2.38.1-5\n",
      true);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].source_name, "systemd");
  EXPECT_EQ(p[0].source_version, "252-1");
  EXPECT_EQ(p[1].source_name, "util-linux");
  EXPECT_EQ(p[1].source_version, "2.38.1-5");
  EXPECT_EQ(p[1].version, "1:2.38.1-5");
}

TEST(Dpkg, StatusDStanzasNeedNoStatusField) {
  EXPECT_EQ(parse_dpkg_status("Package: tzdata\nVersion: 2026b\nArchitecture: all\n", false).size(),
            1u);
  EXPECT_EQ(parse_dpkg_status("Package: tzdata\nVersion: 2026b\nArchitecture: all\n", true).size(),
            0u);
}

TEST(OsRelease, QuotesAndComments) {
  auto os =
      parse_os_release("# c\nPRETTY_NAME=\"Debian GNU/Linux 12\"\nID=debian\nVERSION_ID='12'\n");
  EXPECT_EQ(os.id, "debian");
  EXPECT_EQ(os.version_id, "12");
  EXPECT_EQ(os.pretty_name, "Debian GNU/Linux 12");
}

TEST(Purl, EncodingFollowsTheGroundTruthConventions) {
  OsInfo debian{"debian", "12", ""};
  Package p{"deb", "libstdc++6", "1:12.2+deb12u1", "gcc-12", "12.2", "amd64", "", "", ""};
  EXPECT_EQ(
      make_purl(p, debian),
      "pkg:deb/debian/libstdc++6@1%3A12.2%2Bdeb12u1?arch=amd64&distro=debian-12&upstream=gcc-12");
  EXPECT_EQ(make_purl(Package{"npm", "@types/node", "20.1.0"}, {}), "pkg:npm/%40types/node@20.1.0");
  EXPECT_EQ(make_purl(Package{"python", "Zope.Interface_x", "5.0"}, {}),
            "pkg:pypi/zope-interface-x@5.0");
  EXPECT_EQ(make_purl(Package{"maven", "org.apache.commons:commons-lang3", "3.12.0"}, {}),
            "pkg:maven/org.apache.commons/commons-lang3@3.12.0");
  EXPECT_EQ(make_purl(Package{"golang", "github.com/pkg/errors", "v0.9.1"}, {}),
            "pkg:golang/github.com/pkg/errors@v0.9.1");
  EXPECT_EQ(make_purl(Package{"go-stdlib", "stdlib", "go1.19.8"}, {}), "pkg:golang/stdlib@1.19.8");
}

// Every apk fixture: packages, versions, arch, origin and purl equal expected.tsv exactly.
TEST(Apk, EveryFixtureMatchesItsGroundTruth) {
  int fixtures = 0;
  for (const auto& dir : std::filesystem::directory_iterator(shared("images/apk"))) {
    if (!dir.is_directory()) continue;
    auto installed = read_file(dir.path() / "installed");
    auto os_release = read_file(dir.path() / "os-release");
    auto expected = read_file(dir.path() / "expected.tsv");
    ASSERT_TRUE(installed && os_release && expected) << dir.path();
    OsInfo os = parse_os_release(*os_release);
    std::set<std::string> got;
    for (auto p : parse_apk_installed(*installed)) {
      got.insert(p.type + "\t" + p.name + "\t" + p.version + "\t\t\t" + p.arch + "\t" +
                 p.source_name + "\t" + make_purl(p, os));
    }
    std::set<std::string> want;
    std::istringstream lines(*expected);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
      if (!line.empty()) want.insert(line);
    }
    EXPECT_EQ(got, want) << dir.path();
    EXPECT_FALSE(want.empty());
    ++fixtures;
  }
  EXPECT_EQ(fixtures, 7);
}

}  // namespace
}  // namespace portcullis::analyze

namespace portcullis::analyze {
namespace {

// Every rpm fixture (BerkeleyDB, SQLite, NDB): every header as `rpm -qa` lists it, with purls.
TEST(Rpm, EveryFixtureMatchesItsGroundTruth) {
  int fixtures = 0;
  size_t packages = 0;
  for (const auto& dir : std::filesystem::directory_iterator(shared("images/rpm"))) {
    if (!dir.is_directory()) continue;
    std::optional<std::string> db;
    for (const char* name : {"Packages", "rpmdb.sqlite", "Packages.db"}) {
      auto content = read_file(dir.path() / name);
      if (content) db = std::move(*content);
    }
    ASSERT_TRUE(db) << dir.path();
    OsInfo os;
    if (auto release = read_file(dir.path() / "os-release")) os = parse_os_release(*release);
    if (auto release = read_file(dir.path() / "redhat-release"))
      os = parse_redhat_release(*release);
    ASSERT_FALSE(os.empty()) << dir.path();
    auto parsed = parse_rpm_database(*db);
    ASSERT_TRUE(parsed) << dir.path() << ": " << parsed.error().what();
    std::set<std::string> got;
    for (const auto& p : *parsed) {
      got.insert(p.type + "\t" + p.name + "\t" + p.version + "\t" + p.epoch + "\t" + p.release +
                 "\t" + p.arch + "\t" + p.source_name + "\t" + make_purl(p, os));
    }
    auto expected = read_file(dir.path() / "expected.tsv");
    ASSERT_TRUE(expected);
    std::set<std::string> want;
    std::istringstream lines(*expected);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
      if (!line.empty()) want.insert(line);
    }
    std::vector<std::string> missing, extra;
    std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                        std::back_inserter(missing));
    std::set_difference(got.begin(), got.end(), want.begin(), want.end(),
                        std::back_inserter(extra));
    EXPECT_TRUE(missing.empty() && extra.empty())
        << dir.path() << ": " << missing.size() << " missing ("
        << (missing.empty() ? "" : missing[0]) << "), " << extra.size() << " extra ("
        << (extra.empty() ? "" : extra[0]) << ")";
    packages += want.size();
    ++fixtures;
  }
  EXPECT_EQ(fixtures, 5);
  EXPECT_EQ(packages, 110u + 129u + 103u + 35u + 36u);
}

TEST(Rpm, HostileDatabasesFailCleanly) {
  EXPECT_FALSE(parse_rpm_database(""));
  EXPECT_FALSE(parse_rpm_database(std::string(4096, '\0')));
  std::string ndb =
      "RpmP" + std::string(8, '\0') + std::string("\xff\xff\xff\x7f", 4) + std::string(100, '\0');
  EXPECT_FALSE(parse_rpm_database(ndb));
  std::string bdb(4096, '\0');
  bdb[12] = 0x61;
  bdb[13] = 0x15;
  bdb[14] = 0x06;
  bdb[20] = 0x00;
  bdb[21] = 0x10;  // page size 4096
  bdb[32] = 0x7f;  // last page far beyond the data
  EXPECT_FALSE(parse_rpm_database(bdb));
  EXPECT_FALSE(parse_rpm_header(std::string("\x00\x00\xff\xff\x00\x00\x00\x10", 8)));
  EXPECT_FALSE(
      parse_rpm_database("SQLite format 3" + std::string(1, '\0') + std::string(100, 'x')));
}

}  // namespace
}  // namespace portcullis::analyze
