// RFC 3339 timestamps both ways.
#include "base/time_text.hpp"

#include <gtest/gtest.h>

namespace portcullis {
namespace {

TEST(TimeText, FormatsAndParses) {
  EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339(1795444680), "2026-11-23T14:38:00Z");
  EXPECT_EQ(parse_rfc3339("2026-11-23T14:38:00Z"), 1795444680);
  EXPECT_EQ(parse_rfc3339("2026-11-23T14:38:00.123Z"), 1795444680);
  EXPECT_EQ(parse_rfc3339("2026-11-23"), 1795392000);
  EXPECT_EQ(parse_rfc3339("yesterday"), -1);
  EXPECT_EQ(parse_rfc3339("2026-11-23T14:38:00+01:00"), -1);  // UTC only
  EXPECT_EQ(parse_rfc3339("2026-11-23x"), -1);
}

}  // namespace
}  // namespace portcullis
