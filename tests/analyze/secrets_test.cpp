// The secrets scanner on its own: each rule, masking, and the near misses that must not match.
#include "analyze/secrets.hpp"

#include <gtest/gtest.h>

namespace portcullis::analyze {
namespace {

std::vector<std::string> rules(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& m : find_secrets(text)) out.push_back(m.rule + ":" + std::to_string(m.line));
  return out;
}

TEST(Secrets, EachRuleWithItsLine) {
  EXPECT_EQ(rules("# creds\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"),
            std::vector<std::string>{"aws-access-key-id:2"});
  EXPECT_EQ(rules("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            std::vector<std::string>{"aws-secret-access-key:1"});
  EXPECT_EQ(rules("token: ghp_PortcullisFakeFixtureToken0123456789"),
            std::vector<std::string>{"github-token:1"});
  EXPECT_EQ(rules("GITLAB=glpat-abcdefghij0123456789"), std::vector<std::string>{"gitlab-token:1"});
  EXPECT_EQ(rules("//registry.npmjs.org/:_authToken=npm_PortcullisFakeNpmFixtureToken0123456"),
            std::vector<std::string>{"npm-token:1"});
  EXPECT_EQ(rules("x\n\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n"),
            std::vector<std::string>{"private-key:3"});
  EXPECT_EQ(rules("DB_PASSWORD=\"Portcullis-Fixture-Fake-DB-Passw0rd\""),
            std::vector<std::string>{"generic-password:1"});
}

TEST(Secrets, NearMissesAreNotSecrets) {
  EXPECT_TRUE(rules("password [success=1 default=ignore] pam_unix.so obscure").empty());
  EXPECT_TRUE(rules("PASSWORD=changeme\nsecret: ${SECRET}\ntoken=<your token>\n").empty());
  EXPECT_TRUE(rules("password=aaaaaaaaaaaa").empty());  // no entropy
  EXPECT_TRUE(rules("AKIAIOSFODNN7EXAMPL").empty());    // 15 characters after AKIA
  EXPECT_TRUE(rules("XAKIAIOSFODNN7EXAMPLE").empty());  // not at a word start
  EXPECT_TRUE(rules("ghp_short").empty());
  EXPECT_TRUE(rules("-----BEGIN CERTIFICATE-----").empty());
  EXPECT_TRUE(rules("").empty());
}

TEST(Secrets, AValueNamedByASpecificRuleIsNotAlsoGeneric) {
  EXPECT_EQ(rules("GITHUB_TOKEN=ghp_PortcullisFakeFixtureToken0123456789"),
            std::vector<std::string>{"github-token:1"});
}

TEST(Secrets, MaskingKeepsFourCharacters) {
  EXPECT_EQ(mask_secret("AKIAIOSFODNN7EXAMPLE"), "AKIA****************");
  EXPECT_EQ(mask_secret("short"), "*****");
  auto found = find_secrets("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].masked.find("IOSFODNN"), std::string::npos);
}

}  // namespace
}  // namespace portcullis::analyze
