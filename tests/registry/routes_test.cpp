#include "registry/routes.hpp"

#include <gtest/gtest.h>

#include "registry/hooks.hpp"
#include "registry/permissions.hpp"

namespace portcullis::registry {
namespace {

TEST(Routes, ParsesEveryEndpoint) {
  EXPECT_EQ(parse_route("/v2/").kind, RouteKind::kBase);
  EXPECT_EQ(parse_route("/v2/_catalog").kind, RouteKind::kCatalog);
  auto tags = parse_route("/v2/a/b/tags/list");
  EXPECT_EQ(tags.kind, RouteKind::kTags);
  EXPECT_EQ(tags.name, "a/b");
  auto m = parse_route("/v2/a/b/c/manifests/latest");
  EXPECT_EQ(m.kind, RouteKind::kManifest);
  EXPECT_EQ(m.name, "a/b/c");
  EXPECT_EQ(m.reference, "latest");
  EXPECT_EQ(parse_route("/v2/x/blobs/uploads/").kind, RouteKind::kUploadStart);
  EXPECT_EQ(parse_route("/v2/x/blobs/uploads").kind, RouteKind::kUploadStart);
  auto up = parse_route("/v2/x/blobs/uploads/1234");
  EXPECT_EQ(up.kind, RouteKind::kUpload);
  EXPECT_EQ(up.reference, "1234");
  EXPECT_EQ(parse_route("/v2/x/blobs/sha256:abc").kind, RouteKind::kBlob);
  EXPECT_EQ(parse_route("/v2/x/referrers/sha256:abc").kind, RouteKind::kReferrers);
  EXPECT_EQ(parse_route("/v2/manifests/x").kind, RouteKind::kUnknown);
  EXPECT_EQ(parse_route("/v2/x/manifests/a/b").kind, RouteKind::kUnknown);
  EXPECT_EQ(parse_route("/token").kind, RouteKind::kToken);
}

TEST(Permissions, ScopesAndActions) {
  EXPECT_TRUE(grant_scope_matches("*", "any/thing"));
  EXPECT_TRUE(grant_scope_matches("stage/", "stage/app"));
  EXPECT_FALSE(grant_scope_matches("stage/", "stagex/app"));
  EXPECT_FALSE(grant_scope_matches("stage/", "stage"));
  EXPECT_TRUE(grant_scope_matches("app", "app"));
  EXPECT_FALSE(grant_scope_matches("app", "app/x"));
  EXPECT_EQ(*parse_actions("pull,push"), kPull | kPush);
  EXPECT_FALSE(parse_actions("pull,write"));
  EXPECT_EQ(*normalize_grant_scope("stage/*"), "stage/");
  EXPECT_FALSE(normalize_grant_scope("Stage/"));
}

}  // namespace
}  // namespace portcullis::registry

namespace portcullis::registry {
namespace {

TEST(ArtifactTags, NameTheirSubject) {
  std::string hex(64, 'a');
  EXPECT_EQ(*artifact_tag_subject("sha256-" + hex + ".sig"), "sha256:" + hex);
  EXPECT_EQ(*artifact_tag_subject("sha256-" + hex + ".att"), "sha256:" + hex);
  EXPECT_EQ(*artifact_tag_subject("sha256-" + hex), "sha256:" + hex);  // referrers tag schema
  EXPECT_FALSE(artifact_tag_subject("sha256-" + hex + ".txt"));
  EXPECT_FALSE(artifact_tag_subject("sha256-abc.sig"));
  EXPECT_FALSE(artifact_tag_subject("latest"));
}

}  // namespace
}  // namespace portcullis::registry
