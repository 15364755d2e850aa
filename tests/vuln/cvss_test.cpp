// CVSS v3 base scores: the specification's examples, hostile vectors, and every v3.x score in
// a real NVD API page (../shared/vulndata/nvd) recomputed from its vector.
#include "vuln/cvss.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/file.hpp"

namespace portcullis::vuln {
namespace {

TEST(Cvss3, KnownScores) {
  EXPECT_DOUBLE_EQ(*cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
  EXPECT_DOUBLE_EQ(*cvss3_base_score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H"), 7.4);
  EXPECT_DOUBLE_EQ(*cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
  EXPECT_DOUBLE_EQ(*cvss3_base_score("CVSS:3.0/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0.0);
  EXPECT_EQ(cvss3_rating(9.8), "CRITICAL");
  EXPECT_EQ(cvss3_rating(4.0), "MEDIUM");
  EXPECT_EQ(cvss3_rating(0.0), "NONE");
}

TEST(Cvss3, HostileVectorsNameTheProblem) {
  auto missing = cvss3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("metric A is missing"), std::string::npos);
  auto bad = cvss3_base_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("AV:X"), std::string::npos);
  EXPECT_FALSE(cvss3_base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"));  // CVSS v2
  EXPECT_FALSE(cvss3_base_score("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"));
  EXPECT_FALSE(cvss3_base_score("CVSS:3.1/"));
  EXPECT_FALSE(cvss3_base_score("CVSS:3.1/AV"));
}

TEST(Cvss3, AgreesWithEveryScoreOfARealNvdPage) {
  const char* shared = std::getenv("PORTCULLIS_SHARED");
  ASSERT_NE(shared, nullptr);
  auto text = read_file(std::string(shared) + "/vulndata/nvd/vunnel-fixture/full-page.json");
  ASSERT_TRUE(text) << text.error().what();
  auto page = nlohmann::json::parse(*text);
  int checked = 0;
  for (const auto& v : page["vulnerabilities"]) {
    const auto& metrics = v["cve"]["metrics"];
    for (const char* key : {"cvssMetricV31", "cvssMetricV30"}) {
      if (!metrics.contains(key)) continue;
      for (const auto& m : metrics[key]) {
        std::string vector = m["cvssData"]["vectorString"];
        double want = m["cvssData"]["baseScore"];
        auto got = cvss3_base_score(vector);
        ASSERT_TRUE(got) << got.error().what();
        EXPECT_DOUBLE_EQ(*got, want) << v["cve"]["id"] << " " << vector;
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 30);
}

}  // namespace
}  // namespace portcullis::vuln
