#include "base/settings.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace portcullis {
namespace {

TEST(Settings, FlagBeatsEnvironmentBeatsFile) {
  Settings s;
  ASSERT_TRUE(s.load_yaml_string("listen: 1.2.3.4:1\nauth:\n  anonymous_pull: true\n", "c.yaml"));
  EXPECT_EQ(*s.get_string("listen", ""), "1.2.3.4:1");
  setenv("PORTCULLIS_LISTEN", "5.6.7.8:2", 1);
  EXPECT_EQ(*s.get_string("listen", ""), "5.6.7.8:2");
  s.set_flag("listen", "9.9.9.9:3");
  EXPECT_EQ(*s.get_string("listen", ""), "9.9.9.9:3");
  unsetenv("PORTCULLIS_LISTEN");
  EXPECT_TRUE(*s.get_bool("auth.anonymous_pull", false));
  EXPECT_EQ(*s.get_string("missing", "fallback"), "fallback");
}

TEST(Settings, BadValueNamesFileLineAndKey) {
  Settings s;
  ASSERT_TRUE(s.load_yaml_string("auth:\n  enabled: maybe\n", "c.yaml"));
  auto v = s.get_bool("auth.enabled", true);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message().find("c.yaml:2"), std::string::npos) << v.error().message();
  EXPECT_NE(v.error().message().find("auth.enabled"), std::string::npos);
}

TEST(Settings, SyntaxErrorNamesLine) {
  Settings s;
  auto status = s.load_yaml_string("a: 1\nb: [unclosed\n", "bad.yaml");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message().find("bad.yaml:"), std::string::npos);
}

TEST(Settings, UnknownKeysAreReported) {
  Settings s;
  ASSERT_TRUE(s.load_yaml_string("listen: x\nlisten_port: 5\n", "c.yaml"));
  auto unknown = s.unknown_keys({"listen"});
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_NE(unknown[0].find("listen_port"), std::string::npos);
}

TEST(Settings, DurationsHaveUnits) {
  EXPECT_EQ(parse_duration("90")->count(), 90);
  EXPECT_EQ(parse_duration("5m")->count(), 300);
  EXPECT_EQ(parse_duration("2h")->count(), 7200);
  EXPECT_EQ(parse_duration("1d")->count(), 86400);
  EXPECT_FALSE(parse_duration("5 years"));
  EXPECT_FALSE(parse_duration("-1s"));
}

TEST(Settings, EnvironmentNames) {
  EXPECT_EQ(Settings::environment_name("auth.anonymous_pull"), "PORTCULLIS_AUTH_ANONYMOUS_PULL");
}

}  // namespace
}  // namespace portcullis
