#include "base/encoding.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace portcullis {
namespace {

TEST(Encoding, Base64RoundTrips) {
  for (std::string s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar",
                                                std::string("\0\xff\xfe", 3)}) {
    EXPECT_EQ(*base64_decode(base64_encode(s)), s);
    EXPECT_EQ(*base64url_decode(base64url_encode(s)), s);
  }
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Encoding, RejectsMalformed) {
  EXPECT_FALSE(base64_decode("abc"));
  EXPECT_FALSE(base64_decode("ab!="));
  EXPECT_FALSE(base64url_decode("ab+/"));
}

}  // namespace
}  // namespace portcullis
