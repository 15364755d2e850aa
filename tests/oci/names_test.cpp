#include "oci/names.hpp"

#include <gtest/gtest.h>

namespace portcullis::oci {
namespace {

TEST(Names, AcceptsSpecRepositoryNames) {
  for (const char* n :
       {"a", "library/debian", "stage/app", "a.b_c__d--e/f0", "x/y/z/w", "my-registry/team1/app"}) {
    EXPECT_TRUE(is_valid_repository_name(n)) << n;
  }
}

TEST(Names, RejectsInvalidRepositoryNames) {
  for (const char* n :
       {"", "A", "a/", "/a", "a//b", "a..b", "a___b", "-a", "a-", "a/B", "a b", "a:b", "../etc"}) {
    EXPECT_FALSE(is_valid_repository_name(n)) << n;
  }
  EXPECT_FALSE(is_valid_repository_name(std::string(256, 'a')));
}

TEST(Names, Tags) {
  EXPECT_TRUE(is_valid_tag("latest"));
  EXPECT_TRUE(is_valid_tag("v1.2.3-rc_1"));
  EXPECT_TRUE(is_valid_tag("_x"));
  EXPECT_TRUE(is_valid_tag(std::string(128, 'a')));
  EXPECT_FALSE(is_valid_tag(std::string(129, 'a')));
  EXPECT_FALSE(is_valid_tag(".x"));
  EXPECT_FALSE(is_valid_tag("-x"));
  EXPECT_FALSE(is_valid_tag("a/b"));
  EXPECT_FALSE(is_valid_tag(""));
  EXPECT_FALSE(is_valid_tag("sha256:abc"));
}

}  // namespace
}  // namespace portcullis::oci
