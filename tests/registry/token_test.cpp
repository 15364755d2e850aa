#include "registry/token.hpp"

#include <gtest/gtest.h>

namespace portcullis::registry {
namespace {

TokenClaims claims(int64_t now) {
  return TokenClaims{"portcullis", "alice",  "svc",
                     now,          now + 60, {{"repository", "stage/app", {"pull", "push"}}}};
}

TEST(Token, IssuedTokenVerifies) {
  TokenSigner signer(std::string(48, 'k'));
  auto verified = signer.verify(signer.issue(claims(1000)), "svc", 1010);
  ASSERT_TRUE(verified) << verified.error().what();
  EXPECT_EQ(verified->subject, "alice");
  ASSERT_EQ(verified->access.size(), 1u);
  EXPECT_EQ(verified->access[0].actions, (std::vector<std::string>{"pull", "push"}));
}

TEST(Token, RejectsExpiredWrongAudienceTamperedAndOtherKey) {
  TokenSigner signer(std::string(48, 'k'));
  std::string token = signer.issue(claims(1000));
  EXPECT_FALSE(signer.verify(token, "svc", 1060));
  EXPECT_FALSE(signer.verify(token, "other", 1010));
  std::string tampered = token;
  tampered[token.find('.') + 3] ^= 1;
  EXPECT_FALSE(signer.verify(tampered, "svc", 1010));
  EXPECT_FALSE(TokenSigner(std::string(48, 'j')).verify(token, "svc", 1010));
  EXPECT_FALSE(signer.verify("not-a-jwt", "svc", 1010));
  EXPECT_FALSE(signer.verify("a.b.c", "svc", 1010));
}

TEST(Token, ParsesScopes) {
  auto a = parse_scope("repository:library/debian:pull,push");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->type, "repository");
  EXPECT_EQ(a->name, "library/debian");
  EXPECT_EQ(a->actions, (std::vector<std::string>{"pull", "push"}));
  EXPECT_EQ(parse_scope("registry:catalog:*")->name, "catalog");
  EXPECT_FALSE(parse_scope("repository"));
  EXPECT_FALSE(parse_scope("repository:x"));
}

}  // namespace
}  // namespace portcullis::registry
