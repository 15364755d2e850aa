// Authentication and authorization over real HTTP: Basic, the token flow, grants.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/encoding.hpp"
#include "base/file.hpp"
#include "registry/passwords.hpp"
#include "support/test_registry.hpp"

namespace portcullis::testing {
namespace {

using nlohmann::json;

std::string basic(const std::string& user, const std::string& password) {
  return "Basic " + base64_encode(user + ":" + password);
}

void add_user(TestRegistry& r, const std::string& name, const std::string& password,
              const std::string& scope, const std::string& actions) {
  auto& metadata = *r.service().data().metadata;
  ASSERT_TRUE(metadata.put_user(store::User{name, *registry::hash_password(password), false}));
  if (!scope.empty()) {
    ASSERT_TRUE(metadata.put_grant(store::Grant{name, scope, actions}));
  }
}

std::string token_for(TestRegistry& r, const std::string& auth, const std::string& scope) {
  auto res =
      r.send("GET", "/token?service=portcullis&scope=" + scope, "", {{"Authorization", auth}});
  EXPECT_EQ(res.status, 200) << res.body;
  auto body = json::parse(res.body, nullptr, false);
  if (body.is_discarded()) return "";
  EXPECT_EQ(body["token"], body["access_token"]);
  EXPECT_GT(body["expires_in"].get<int>(), 0);
  return body["token"].get<std::string>();
}

TEST(Auth, UnauthenticatedGetsBearerChallenge) {
  TestRegistry r({.auth = true});
  auto res = r.send("GET", "/v2/");
  EXPECT_EQ(res.status, 401);
  std::string challenge(res.header("WWW-Authenticate"));
  EXPECT_NE(challenge.find("Bearer realm=\"http://127.0.0.1:"), std::string::npos) << challenge;
  EXPECT_NE(challenge.find("/token\",service=\"portcullis\""), std::string::npos) << challenge;
  auto pull = r.send("GET", "/v2/app/manifests/latest");
  EXPECT_EQ(pull.status, 401);
  EXPECT_NE(pull.header("WWW-Authenticate").find("scope=\"repository:app:pull\""),
            std::string::npos);
  auto push = r.send("POST", "/v2/app/blobs/uploads/");
  EXPECT_NE(push.header("WWW-Authenticate").find("scope=\"repository:app:pull,push\""),
            std::string::npos);
}

TEST(Auth, TokenFlowGrantsAdmin) {
  TestRegistry r({.auth = true, .admin_password = "pw1"});
  std::string token = token_for(r, basic("admin", "pw1"), "repository:app:pull,push");
  auto res = r.send("POST", "/v2/app/blobs/uploads/", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(res.status, 202);
  // The token is limited to the repository it was issued for.
  auto other =
      r.send("POST", "/v2/other/blobs/uploads/", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(other.status, 401);
}

TEST(Auth, WrongPasswordIsRefused) {
  TestRegistry r({.auth = true, .admin_password = "right"});
  auto res = r.send("GET", "/token?service=portcullis&scope=repository:app:pull", "",
                    {{"Authorization", basic("admin", "wrong")}});
  EXPECT_EQ(res.status, 401);
  auto direct = r.send("GET", "/v2/", "", {{"Authorization", basic("admin", "wrong")}});
  EXPECT_EQ(direct.status, 401);
  auto forged = r.send("GET", "/v2/", "", {{"Authorization", "Bearer e30.e30.c2ln"}});
  EXPECT_EQ(forged.status, 401);
}

TEST(Auth, BasicAuthWorksDirectly) {
  TestRegistry r({.auth = true, .admin_password = "pw"});
  EXPECT_EQ(r.send("GET", "/v2/", "", {{"Authorization", basic("admin", "pw")}}).status, 200);
}

TEST(Auth, UserWithoutPushIsDenied) {
  TestRegistry r({.auth = true, .admin_password = "pw"});
  add_user(r, "reader", "rpw", "stage/", "pull");
  auto basic_push = r.send("POST", "/v2/stage/app/blobs/uploads/", "",
                           {{"Authorization", basic("reader", "rpw")}});
  EXPECT_EQ(basic_push.status, 403);
  EXPECT_NE(basic_push.body.find("DENIED"), std::string::npos);
  EXPECT_NE(basic_push.body.find("push"), std::string::npos);
  // The token flow grants only pull; pushing with it is denied.
  std::string token = token_for(r, basic("reader", "rpw"), "repository:stage/app:pull,push");
  auto token_push =
      r.send("POST", "/v2/stage/app/blobs/uploads/", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(token_push.status, 403);
  // Pull within the namespace works; outside it is denied.
  EXPECT_EQ(
      r.send("GET", "/v2/stage/app/tags/list", "", {{"Authorization", basic("reader", "rpw")}})
          .status,
      404);
  EXPECT_EQ(
      r.send("GET", "/v2/verified/app/tags/list", "", {{"Authorization", basic("reader", "rpw")}})
          .status,
      403);
}

TEST(Auth, NamespaceGrantDoesNotMatchSiblingPrefix) {
  TestRegistry r({.auth = true, .admin_password = "pw"});
  add_user(r, "dev", "dpw", "stage/", "pull,push");
  EXPECT_EQ(
      r.send("POST", "/v2/stage/x/blobs/uploads/", "", {{"Authorization", basic("dev", "dpw")}})
          .status,
      202);
  EXPECT_EQ(
      r.send("POST", "/v2/stagex/blobs/uploads/", "", {{"Authorization", basic("dev", "dpw")}})
          .status,
      403);
}

TEST(Auth, AnonymousPullWhenEnabled) {
  TestRegistry r({.auth = true, .anonymous_pull = true, .admin_password = "pw"});
  EXPECT_EQ(r.send("GET", "/v2/").status, 200);
  EXPECT_EQ(r.send("GET", "/v2/x/tags/list").status, 404);  // allowed, just unknown
  EXPECT_EQ(r.send("POST", "/v2/x/blobs/uploads/").status, 401);
  auto res = r.send("GET", "/token?service=portcullis&scope=repository:x:pull,push");
  ASSERT_EQ(res.status, 200);
}

TEST(Auth, CatalogNeedsAuthentication) {
  TestRegistry r({.auth = true, .admin_password = "pw"});
  EXPECT_EQ(r.send("GET", "/v2/_catalog").status, 401);
  EXPECT_EQ(r.send("GET", "/v2/_catalog", "", {{"Authorization", basic("admin", "pw")}}).status,
            200);
}

TEST(Auth, FirstStartWritesRandomAdminPasswordFile) {
  TempDir dir;
  registry::ServiceConfig config;
  config.data_dir = dir.path();
  config.server.port = 0;
  unsetenv("PORTCULLIS_ADMIN_PASSWORD");
  auto service = registry::Service::open(config);
  ASSERT_TRUE(service) << service.error().what();
  auto path = dir.path() / "initial-admin-password";
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto password = read_file(path);
  ASSERT_TRUE(password);
  EXPECT_GE(password->size(), 20u);
  auto user = (*service)->data().metadata->get_user("admin");
  ASSERT_TRUE(user && *user);
  EXPECT_TRUE(
      registry::verify_password((*user)->password_hash, password->substr(0, password->size() - 1)));
}

}  // namespace
}  // namespace portcullis::testing
