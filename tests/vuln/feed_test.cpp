// Feed importers over checked-in slices of the real feeds (tests/data/vuln, copied from
// ../shared/vulndata): what each record becomes, withdrawn records, hostile documents.
#include "vuln/feed.hpp"

#include <gtest/gtest.h>

#include <map>

#include "base/yaml_json.hpp"

namespace portcullis::vuln {
namespace {

const std::string kData = std::string(PORTCULLIS_TEST_DATA) + "/vuln";

struct Collect final : FeedSink {
  void add(Advisory a) override { advisories[a.id].push_back(std::move(a)); }
  void add(CvssRecord r) override { cvss.push_back(std::move(r)); }
  void add(KevRecord r) override { kev.push_back(std::move(r)); }
  void withdrawn(std::string_view id) override { withdrawn_ids.emplace_back(id); }
  void snapshot(std::string_view date) override { dates.emplace_back(date); }
  std::map<std::string, std::vector<Advisory>> advisories;
  std::vector<CvssRecord> cvss;
  std::vector<KevRecord> kev;
  std::vector<std::string> withdrawn_ids;
  std::vector<std::string> dates;
};

TEST(OsvFeed, GhsaRecordWithAliasesCvssAndTwoPackages) {
  Collect sink;
  ASSERT_TRUE(import_path(kData + "/osv/GHSA-p6mc-m468-83gw.json", sink));
  const Advisory& a = sink.advisories.at("GHSA-p6mc-m468-83gw").at(0);
  EXPECT_EQ(a.aliases, std::vector<std::string>{"CVE-2020-8203"});
  EXPECT_DOUBLE_EQ(a.cvss_score, 7.4);
  EXPECT_EQ(a.severity, "HIGH");
  ASSERT_EQ(a.affected.size(), 2U);
  EXPECT_EQ(a.affected[0].package, "lodash");
  EXPECT_EQ(a.affected[1].package, "lodash-es");
  ASSERT_EQ(a.affected[0].ranges.at(0).events.size(), 2U);
  EXPECT_EQ(a.affected[0].ranges[0].events[1].kind, Event::Kind::kFixed);
  EXPECT_EQ(a.affected[0].ranges[0].events[1].version, "4.17.20");
}

TEST(OsvFeed, WithdrawnRecordIsCountedNotAdded) {
  Collect sink;
  ASSERT_TRUE(import_path(kData + "/osv/GHSA-7fhm-mqm4-2wp7.json", sink));
  EXPECT_TRUE(sink.advisories.empty());
  EXPECT_EQ(sink.withdrawn_ids, std::vector<std::string>{"GHSA-7fhm-mqm4-2wp7"});
}

TEST(OsvFeed, WithdrawnSummaryConventionWithoutTheField) {
  Collect sink;
  auto doc = nlohmann::json::parse(R"({"id": "GO-2022-0617", "modified": "2024-01-01T00:00:00Z",
    "summary": "WITHDRAWN: not a vulnerability", "affected": []})");
  ASSERT_TRUE(make_osv_feed()->import(doc, "x.json", sink));
  EXPECT_EQ(sink.withdrawn_ids.size(), 1U);
}

TEST(OsvFeed, NpmNamesAreNormalizedToLowerCase) {
  Collect sink;
  ASSERT_TRUE(import_path(kData + "/osv/GHSA-8hc4-vh64-cxmj.json", sink));
  EXPECT_EQ(sink.advisories.at("GHSA-8hc4-vh64-cxmj").at(0).affected.at(0).package, "axios");
}

TEST(OsvFeed, PypaYamlKeepsVersionsAsWrittenAndNormalizesNames) {
  Collect sink;
  ASSERT_TRUE(import_path(kData + "/osv/PYSEC-2014-8.yaml", sink));
  const Advisory& a = sink.advisories.at("PYSEC-2014-8").at(0);
  EXPECT_EQ(a.affected.at(0).ecosystem, "PyPI");
  EXPECT_EQ(a.affected.at(0).package, "jinja2");
  EXPECT_EQ(a.affected[0].versions.at(0), "2.0");  // quoted in YAML, kept as text
  EXPECT_EQ(a.affected[0].ranges.at(0).events.at(1).version, "2.7.2");
}

TEST(OsvFeed, HostileDocumentsGetErrorsNamingFileAndField) {
  Collect sink;
  auto feed = make_osv_feed();
  auto doc = nlohmann::json::parse(R"({"id": "X", "modified": "m", "affected": [
    {"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "SEMVER",
     "events": [{"introduced": ""}]}]}]})");
  auto s = feed->import(doc, "f.json", sink);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("f.json: affected[0]"), std::string::npos);
  doc = nlohmann::json::parse(R"({"id": "X", "modified": "m", "affected": [{"package": {}}]})");
  EXPECT_FALSE(feed->import(doc, "f.json", sink));
  doc = nlohmann::json::parse(R"({"id": "X", "modified": "m", "aliases": [],
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:Q"}]})");
  EXPECT_FALSE(feed->import(doc, "f.json", sink));
}

TEST(OsvFeed, InvalidUtf8IsAnErrorNotACrash) {
  // Found by fuzz_feed: a YAML document whose event name is not UTF-8.
  auto doc = parse_yaml_as_json(
      "id: X\nmodified: m\naffected:\n- package: {ecosystem: npm, name: a}\n"
      "  ranges:\n  - type: SEMVER\n    events:\n    - \"\xF5\": '1'\n",
      "bad.yaml");
  ASSERT_TRUE(doc) << doc.error().what();
  Collect sink;
  auto s = make_osv_feed()->import(*doc, "bad.yaml", sink);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("unknown range event"), std::string::npos);
}

TEST(DebianTrackerFeed, ResolvedOpenAndNotAffected) {
  Collect sink;
  auto summary = import_path(kData + "/tracker-sample.json", sink);
  ASSERT_TRUE(summary) << summary.error().what();
  EXPECT_EQ(summary->kinds, std::vector<std::string>{"debian-tracker"});
  const auto& glibc = sink.advisories.at("CVE-2023-4911").at(0);
  const Affected* bookworm = nullptr;
  for (const auto& af : glibc.affected) {
    if (af.ecosystem == "Debian:12") bookworm = &af;
  }
  ASSERT_NE(bookworm, nullptr);
  EXPECT_EQ(bookworm->package, "glibc");
  EXPECT_EQ(bookworm->ranges.at(0).events.at(1).version, "2.36-9+deb12u3");
  // xz-utils CVE-2024-3094: bookworm <not-affected> (fixed_version "0"), its only release: the
  // record adds nothing.
  EXPECT_EQ(sink.advisories.count("CVE-2024-3094"), 0U);
  // chromium CVE-2022-0456 is open in buster: affected, no fix.
  bool buster_open = false;
  for (const auto& af : sink.advisories.at("CVE-2022-0456").at(0).affected) {
    if (af.ecosystem == "Debian:10") buster_open = af.ranges.at(0).events.size() == 1;
  }
  EXPECT_TRUE(buster_open);
}

TEST(AlpineSecdbFeed, ZeroKeyMeansNeverAffected) {
  Collect sink;
  ASSERT_TRUE(import_path(kData + "/secdb/zlib.json", sink));
  EXPECT_EQ(sink.advisories.count("CVE-2023-45853"), 0U);
  const auto& a = sink.advisories.at("CVE-2022-37434").at(0);
  EXPECT_EQ(a.affected.at(0).ecosystem, "Alpine:v3.20");
  EXPECT_EQ(a.affected[0].package, "zlib");
  EXPECT_EQ(a.affected[0].ranges.at(0).events.at(1).version, "1.2.12-r2");
}

TEST(Feeds, UnknownDocumentsAreSkippedAndReported) {
  Collect sink;
  auto summary = import_path(kData + "/apk-version.data", sink);  // not .json/.yaml
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->files, 0U);
  EXPECT_FALSE(import_path(kData + "/does-not-exist", sink));
}

TEST(YamlJson, ScalarsStayText) {
  auto j = parse_yaml_as_json("a: 2.10\nb: [1, '2.0']\nc:\n", "t.yaml");
  ASSERT_TRUE(j);
  EXPECT_EQ((*j)["a"], "2.10");
  EXPECT_EQ((*j)["b"][1], "2.0");
  EXPECT_TRUE((*j)["c"].is_null());
  auto bad = parse_yaml_as_json("a: [", "t.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("t.yaml:"), std::string::npos);
}

}  // namespace
}  // namespace portcullis::vuln
