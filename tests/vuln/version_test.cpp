// Known orderings from deb-version(7) and rpm's test suite; the full differential runs are in
// tests/integration/vercmp_test.py.
#include "vuln/version.hpp"

#include <gtest/gtest.h>

namespace portcullis::vuln {
namespace {

TEST(Dpkg, TildeSortsBeforeEverything) {
  EXPECT_EQ(compare_dpkg("1.0~rc1", "1.0"), -1);
  EXPECT_EQ(compare_dpkg("1.0~~", "1.0~"), -1);
  EXPECT_EQ(compare_dpkg("1.0", "1.0+b1"), -1);
  EXPECT_EQ(compare_dpkg("1.0a", "1.0+"), -1);  // letters before non-letters
}

TEST(Dpkg, EpochRevisionAndLeadingZeros) {
  EXPECT_EQ(compare_dpkg("1:1.0", "2.0"), 1);
  EXPECT_EQ(compare_dpkg("0:1.0", "1.0"), 0);
  EXPECT_EQ(compare_dpkg("1.0-1", "1.0-1.1"), -1);
  EXPECT_EQ(compare_dpkg("1.001", "1.1"), 0);
  EXPECT_EQ(compare_dpkg("2.38.1-5+deb12u3", "2.38.1-5+deb12u1"), 1);
}

TEST(Rpm, SegmentsTildeAndCaret) {
  EXPECT_EQ(compare_rpm("1.0", "1.0.1"), -1);
  EXPECT_EQ(compare_rpm("1.0a", "1.0.1"), -1);  // numeric segment beats alphabetic
  EXPECT_EQ(compare_rpm("1.0~rc1", "1.0"), -1);
  EXPECT_EQ(compare_rpm("1.0^git1", "1.0"), 1);
  EXPECT_EQ(compare_rpm("1.0^git1", "1.0.1"), -1);
  EXPECT_EQ(compare_rpm("1.0", "1.0-1"), -1);  // no release sorts first, as rpm.vercmp does
  EXPECT_EQ(compare_rpm("1:1.0-1", "2.0-2"), 1);
  EXPECT_EQ(compare_rpm("1.010", "1.10"), 0);
}

TEST(Scheme, Names) {
  EXPECT_TRUE(parse_scheme("dpkg"));
  EXPECT_TRUE(parse_scheme("rpm"));
  EXPECT_FALSE(parse_scheme("semver"));
}

TEST(Apk, SuffixesAndRevisions) {
  EXPECT_EQ(compare_apk("1.1_alpha1", "1.1"), -1);
  EXPECT_EQ(compare_apk("1.8.5_p2", "1.8.5"), 1);
  EXPECT_EQ(compare_apk("1.2.3-r1", "1.2.3"), 1);
  EXPECT_EQ(compare_apk("1.02", "1.1"), -1);  // a leading zero reads as a fraction
  EXPECT_EQ(compare_apk("1.0.0_pre20191002222144-r0", "1.0.0_pre20210530193627-r0"), -1);
}

TEST(Npm, PrereleaseAndValidity) {
  EXPECT_EQ(compare_npm("1.0.0-alpha", "1.0.0"), -1);
  EXPECT_EQ(compare_npm("1.0.0-alpha.2", "1.0.0-alpha.10"), -1);
  EXPECT_EQ(compare_npm("1.0.0-2", "1.0.0-alpha"), -1);
  EXPECT_EQ(compare_npm("v1.2.3", "1.2.3+build.5"), 0);
  EXPECT_EQ(compare_npm("1.0", "1.0.0"), std::nullopt);
  EXPECT_EQ(compare_npm("01.0.0", "1.0.0"), std::nullopt);
  EXPECT_EQ(compare_npm("1.0.0-01", "1.0.0"), std::nullopt);
}

TEST(Pep440, NormalizedSpellings) {
  EXPECT_EQ(compare_pep440("1.0.dev0", "1.0a0"), -1);
  EXPECT_EQ(compare_pep440("1.0a1", "1.0alpha1"), 0);
  EXPECT_EQ(compare_pep440("1.0-1", "1.0.post1"), 0);
  EXPECT_EQ(compare_pep440("1.0c1", "1.0rc1"), 0);
  EXPECT_EQ(compare_pep440("1.0", "1.0.0.0"), 0);
  EXPECT_EQ(compare_pep440("1!0.1", "2.0"), 1);
  EXPECT_EQ(compare_pep440("1.0+abc", "1.0+1"), -1);  // numeric local segments sort last
  EXPECT_EQ(compare_pep440("1.0.post1.dev2", "1.0.post1"), -1);
  EXPECT_EQ(compare_pep440("trunk", "1.0"), std::nullopt);
}

TEST(Maven, QualifiersAndSublists) {
  EXPECT_EQ(compare_maven("1.0-alpha-1", "1.0"), -1);
  EXPECT_EQ(compare_maven("1.0.RELEASE", "1.0"), 0);
  EXPECT_EQ(compare_maven("1.0-SNAPSHOT", "1.0-rc1"), 1);
  EXPECT_EQ(compare_maven("1-sp", "1"), 1);
  EXPECT_EQ(compare_maven("5.3.18", "5.3.18.RELEASE"), 0);
  EXPECT_EQ(compare_maven("2.13.4.2", "2.13.4"), 1);
}

TEST(Go, PseudoVersionsAndInvalid) {
  EXPECT_EQ(compare_go("0.0.0-20191109021931-daa7c04131f5", "0.0.0-20200101000000-aaaaaaaaaaaa"),
            -1);
  EXPECT_EQ(compare_go("v2.0.0+incompatible", "2.0.0"), 0);
  EXPECT_EQ(compare_go("1.2", "1.2.0"), 0);
  EXPECT_EQ(compare_go("1.2.3", "not-a-version"), 1);  // invalid sorts first, as in x/mod
  EXPECT_FALSE(is_valid_go("1.02.0"));
}

TEST(Gem, PrereleaseSegments) {
  EXPECT_EQ(compare_gem("1.0.a", "1.0"), -1);
  EXPECT_EQ(compare_gem("1.0.0", "1"), 0);
  EXPECT_EQ(compare_gem("5.2.4.3", "5.2.4"), 1);
  EXPECT_EQ(compare_gem("1.0-rc1", "1.0.pre.rc1"), 0);
  EXPECT_EQ(compare_gem("1..0", "1"), std::nullopt);
}

TEST(Scheme, NamesRoundTripAndUnknownIsAnError) {
  for (auto s : {Scheme::kDpkg, Scheme::kRpm, Scheme::kApk, Scheme::kNpm, Scheme::kPep440,
                 Scheme::kMaven, Scheme::kGo, Scheme::kGem}) {
    EXPECT_EQ(*parse_scheme(scheme_name(s)), s);
  }
  EXPECT_FALSE(parse_scheme("cargo"));
}

}  // namespace
}  // namespace portcullis::vuln
