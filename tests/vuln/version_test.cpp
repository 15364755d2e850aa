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

}  // namespace
}  // namespace portcullis::vuln
