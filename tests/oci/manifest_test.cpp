#include "oci/manifest.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/file.hpp"
#include "oci/media_types.hpp"

namespace portcullis::oci {
namespace {

const char* kDigestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

std::string shared_path(const std::string& rel) {
  const char* root = std::getenv("PORTCULLIS_SHARED");
  return std::string(root ? root : "../shared") + "/" + rel;
}

TEST(Manifest, ParsesRealImageManifestFromSharedLayout) {
  // debian-base's manifest, as stored in the shared OCI layout.
  auto body =
      read_file(shared_path("images/oci-layout/blobs/sha256/"
                            "27b06bdf644ab5fb17e2ebb073c440d5499330addde7ff86f2c7a8aaa4a5b18a"));
  ASSERT_TRUE(body) << body.error().what();
  auto m = parse_manifest(kOciManifest, *body);
  ASSERT_TRUE(m) << m.error().what();
  EXPECT_FALSE(m->is_index());
  ASSERT_TRUE(m->config);
  EXPECT_EQ(m->config->digest.str(),
            "sha256:8be1ef43bdde70add184ce31e57d0aed4e3aada5892b41fd85096819be034995");
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_EQ(m->layers[0].digest.str(),
            "sha256:3c0483155b66d8d659e8ce5a46a666e62cb4b2477e2b91fd8cc74c6ba94c9f9a");
  EXPECT_EQ(m->effective_artifact_type(), kOciConfig);
}

TEST(Manifest, ParsesRealIndexFromSharedLayout) {
  auto body =
      read_file(shared_path("images/oci-layout/blobs/sha256/"
                            "40610d66b3b48ccd9f9fd5e17e1fd0b57ff8f39d45819b93758a49d79fc3f31c"));
  ASSERT_TRUE(body);
  auto m = parse_manifest("", *body);
  ASSERT_TRUE(m) << m.error().what();
  EXPECT_TRUE(m->is_index());
  ASSERT_EQ(m->manifests.size(), 2u);
  ASSERT_TRUE(m->manifests[1].platform);
  EXPECT_EQ(m->manifests[1].platform->architecture, "arm64");
}

TEST(Manifest, RejectsSchema1WithClearMessage) {
  auto m = parse_manifest(kDockerSchema1Signed, R"({"schemaVersion":1,"name":"x"})");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message().find("schema 1"), std::string::npos);
  auto by_field = parse_manifest("", R"({"schemaVersion":1,"name":"x"})");
  ASSERT_FALSE(by_field);
  EXPECT_NE(by_field.error().message().find("schema 1"), std::string::npos);
}

TEST(Manifest, ErrorsNameTheField) {
  std::string bad_digest =
      std::string(R"({"schemaVersion":2,"mediaType":")") + std::string(kOciManifest) +
      R"(","config":{"mediaType":"x","digest":"sha256:zz","size":1},"layers":[]})";
  auto m = parse_manifest(kOciManifest, bad_digest);
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().what().find("config.digest"), std::string::npos) << m.error().what();

  std::string bad_layer =
      std::string(R"({"schemaVersion":2,"config":{"mediaType":"x","digest":")") + kDigestA +
      R"(","size":1},"layers":[{"mediaType":"x","digest":")" + kDigestA + R"(","size":-1}]})";
  auto l = parse_manifest(kOciManifest, bad_layer);
  ASSERT_FALSE(l);
  EXPECT_NE(l.error().what().find("layers[0]"), std::string::npos) << l.error().what();
}

TEST(Manifest, MediaTypeMustMatchContentType) {
  std::string body = std::string(R"({"schemaVersion":2,"mediaType":")") + std::string(kOciIndex) +
                     R"(","manifests":[]})";
  EXPECT_FALSE(parse_manifest(kOciManifest, body));
  EXPECT_TRUE(parse_manifest(kOciIndex, body));
}

TEST(Manifest, HostileInputsFailCleanly) {
  for (std::string body : {std::string(""), std::string("null"), std::string("[]"),
                           std::string("{\"schemaVersion\":\"2\"}"), std::string("{{{{"),
                           std::string(5 * 1024 * 1024, ' '),
                           std::string(R"({"schemaVersion":2,"manifests":"x","mediaType":")") +
                               std::string(kOciIndex) + "\"}"}) {
    EXPECT_FALSE(parse_manifest("", body));
  }
}

TEST(Manifest, SubjectAndArtifactType) {
  std::string body = std::string(R"({"schemaVersion":2,"mediaType":")") +
                     std::string(kOciManifest) +
                     R"(","artifactType":"application/vnd.example.sbom","config":{"mediaType":")" +
                     std::string(kOciEmpty) + R"(","digest":")" + kDigestA +
                     R"(","size":2},"layers":[],"subject":{"mediaType":")" +
                     std::string(kOciManifest) + R"(","digest":")" + kDigestA + R"(","size":10}})";
  auto m = parse_manifest(kOciManifest, body);
  ASSERT_TRUE(m) << m.error().what();
  ASSERT_TRUE(m->subject);
  EXPECT_EQ(m->subject->digest.str(), kDigestA);
  EXPECT_EQ(m->effective_artifact_type(), "application/vnd.example.sbom");
}

}  // namespace
}  // namespace portcullis::oci
