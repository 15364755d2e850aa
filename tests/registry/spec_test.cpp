// Distribution spec v1.1 behaviour of every endpoint, success and failure, over real HTTP.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "support/test_registry.hpp"

namespace portcullis::testing {
namespace {

using nlohmann::json;
constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";

std::string error_code(const http::ClientResponse& res) {
  auto body = json::parse(res.body, nullptr, false);
  if (body.is_discarded() || !body.contains("errors")) return "<no error body>";
  return body["errors"][0]["code"].get<std::string>();
}

class SpecTest : public ::testing::Test {
 protected:
  TestRegistry registry_;
  // Pushes config + one layer + manifest under `tag`; returns the manifest digest.
  std::string push_image(const std::string& repo, const std::string& tag,
                         const std::string& layer = "layer-bytes") {
    auto config = registry_.push_blob(repo, "{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    auto l = registry_.push_blob(repo, layer);
    auto body = image_manifest(config, 35, {{l, static_cast<int64_t>(layer.size())}});
    auto res = registry_.push_manifest(repo, tag, kOciManifest, body);
    EXPECT_EQ(res.status, 201) << res.body;
    return digest_of(body).str();
  }
};

TEST_F(SpecTest, BaseEndpointAnswersWithApiVersion) {
  auto res = registry_.send("GET", "/v2/");
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.header("Docker-Distribution-API-Version"), "registry/2.0");
}

TEST_F(SpecTest, MonolithicPostThenGetAndHeadBlob) {
  std::string digest = registry_.push_blob("a/b", "some content");
  auto head = registry_.send("HEAD", "/v2/a/b/blobs/" + digest);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "12");
  EXPECT_EQ(head.header("Docker-Content-Digest"), digest);
  EXPECT_TRUE(head.body.empty());
  auto get = registry_.send("GET", "/v2/a/b/blobs/" + digest);
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, "some content");
}

TEST_F(SpecTest, BlobRanges) {
  std::string digest = registry_.push_blob("r", "0123456789");
  auto part = registry_.send("GET", "/v2/r/blobs/" + digest, "", {{"Range", "bytes=2-5"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, "2345");
  EXPECT_EQ(part.header("Content-Range"), "bytes 2-5/10");
  auto suffix = registry_.send("GET", "/v2/r/blobs/" + digest, "", {{"Range", "bytes=-3"}});
  EXPECT_EQ(suffix.body, "789");
  auto open = registry_.send("GET", "/v2/r/blobs/" + digest, "", {{"Range", "bytes=8-"}});
  EXPECT_EQ(open.body, "89");
  auto bad = registry_.send("GET", "/v2/r/blobs/" + digest, "", {{"Range", "bytes=10-20"}});
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad.header("Content-Range"), "bytes */10");
}

TEST_F(SpecTest, PostThenPutWithBody) {
  auto start = registry_.send("POST", "/v2/p/blobs/uploads/");
  ASSERT_EQ(start.status, 202);
  std::string location(start.header("Location"));
  EXPECT_EQ(start.header("Range"), "0-0");
  EXPECT_FALSE(start.header("Docker-Upload-UUID").empty());
  std::string digest = digest_of("payload").str();
  auto put = registry_.send("PUT", location + "?digest=" + digest, "payload");
  EXPECT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(put.header("Location"), "/v2/p/blobs/" + digest);
  EXPECT_EQ(put.header("Docker-Content-Digest"), digest);
  EXPECT_EQ(registry_.send("GET", "/v2/p/blobs/" + digest).body, "payload");
}

TEST_F(SpecTest, ChunkedUploadInOrderAndOutOfOrder) {
  auto start = registry_.send("POST", "/v2/c/blobs/uploads/");
  std::string location(start.header("Location"));
  auto first =
      registry_.send("PATCH", location, "abc",
                     {{"Content-Range", "0-2"}, {"Content-Type", "application/octet-stream"}});
  EXPECT_EQ(first.status, 202);
  EXPECT_EQ(first.header("Range"), "0-2");
  // Out of order: starts at 5, the upload is at 3.
  auto skip = registry_.send("PATCH", location, "fgh", {{"Content-Range", "5-7"}});
  EXPECT_EQ(skip.status, 416);
  EXPECT_EQ(error_code(skip), "BLOB_UPLOAD_INVALID");
  auto second = registry_.send("PATCH", location, "def", {{"Content-Range", "3-5"}});
  EXPECT_EQ(second.status, 202);
  auto status = registry_.send("GET", location);
  EXPECT_EQ(status.status, 204);
  EXPECT_EQ(status.header("Range"), "0-5");
  // A chunk without Content-Range (streamed) appends too.
  EXPECT_EQ(registry_.send("PATCH", location, "g").status, 202);
  std::string digest = digest_of("abcdefg").str();
  auto done = registry_.send("PUT", location + "?digest=" + digest);
  EXPECT_EQ(done.status, 201) << done.body;
  EXPECT_EQ(registry_.send("GET", "/v2/c/blobs/" + digest).body, "abcdefg");
  // The session is gone after completion.
  EXPECT_EQ(error_code(registry_.send("GET", location)), "BLOB_UPLOAD_UNKNOWN");
}

TEST_F(SpecTest, ContentRangeMustMatchLength) {
  auto start = registry_.send("POST", "/v2/c/blobs/uploads/");
  auto res = registry_.send("PATCH", std::string(start.header("Location")), "abcd",
                            {{"Content-Range", "0-1"}});
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(error_code(res), "SIZE_INVALID");
}

TEST_F(SpecTest, WrongDigestStoresNothing) {
  auto start = registry_.send("POST", "/v2/w/blobs/uploads/");
  std::string location(start.header("Location"));
  std::string claimed = digest_of("something else").str();
  auto put = registry_.send("PUT", location + "?digest=" + claimed, "actual");
  EXPECT_EQ(put.status, 400);
  EXPECT_EQ(error_code(put), "DIGEST_INVALID");
  EXPECT_EQ(registry_.send("HEAD", "/v2/w/blobs/" + claimed).status, 404);
  EXPECT_EQ(registry_.send("HEAD", "/v2/w/blobs/" + digest_of("actual").str()).status, 404);
  EXPECT_FALSE(std::filesystem::exists(registry_.data_dir() / "data" / "blobs" / "sha256" /
                                       digest_of("actual").hex().substr(0, 2)));
  // Monolithic POST with a wrong digest: same.
  auto mono = registry_.send("POST", "/v2/w/blobs/uploads/?digest=" + claimed, "actual");
  EXPECT_EQ(mono.status, 400);
  EXPECT_EQ(error_code(mono), "DIGEST_INVALID");
}

TEST_F(SpecTest, Sha512Upload) {
  std::string digest = digest_of("five-twelve", DigestAlgorithm::kSha512).str();
  auto res = registry_.send("POST", "/v2/s/blobs/uploads/?digest=" + digest, "five-twelve");
  EXPECT_EQ(res.status, 201) << res.body;
  auto get = registry_.send("GET", "/v2/s/blobs/" + digest);
  EXPECT_EQ(get.body, "five-twelve");
  EXPECT_EQ(get.header("Docker-Content-Digest"), digest);
}

TEST_F(SpecTest, MalformedDigestsAre400) {
  for (std::string bad : std::vector<std::string>{"sha256:xyz", "sha256:" + std::string(64, 'A'),
                                                  "nothex", "md5:abc"}) {
    auto get = registry_.send("GET", "/v2/m/blobs/" + bad);
    EXPECT_EQ(get.status, 400) << bad;
    EXPECT_EQ(error_code(get), "DIGEST_INVALID") << bad;
  }
  auto put = registry_.send("POST", "/v2/m/blobs/uploads/?digest=sha256:123", "x");
  EXPECT_EQ(put.status, 400);
  auto manifest = registry_.send("GET", "/v2/m/manifests/sha256:123");
  EXPECT_EQ(manifest.status, 400);
  EXPECT_EQ(registry_.send("GET", "/v2/m/referrers/sha256:zz").status, 400);
}

TEST_F(SpecTest, UnknownBlobUploadAndRepository) {
  EXPECT_EQ(error_code(registry_.send("GET", "/v2/x/blobs/" + digest_of("none").str())),
            "BLOB_UNKNOWN");
  EXPECT_EQ(error_code(registry_.send("PATCH", "/v2/x/blobs/uploads/deadbeef", "x")),
            "BLOB_UPLOAD_UNKNOWN");
  auto tags = registry_.send("GET", "/v2/nope/tags/list");
  EXPECT_EQ(tags.status, 404);
  EXPECT_EQ(error_code(tags), "NAME_UNKNOWN");
  auto manifest = registry_.send("GET", "/v2/nope/manifests/latest");
  EXPECT_EQ(manifest.status, 404);
  EXPECT_EQ(error_code(manifest), "NAME_UNKNOWN");
  auto invalid = registry_.send("GET", "/v2/Bad..Name/tags/list");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(error_code(invalid), "NAME_INVALID");
}

TEST_F(SpecTest, UploadsBelongToTheirRepository) {
  auto start = registry_.send("POST", "/v2/one/blobs/uploads/");
  std::string id(start.header("Docker-Upload-UUID"));
  auto res = registry_.send("PATCH", "/v2/two/blobs/uploads/" + id, "x");
  EXPECT_EQ(error_code(res), "BLOB_UPLOAD_UNKNOWN");
}

TEST_F(SpecTest, CancelUpload) {
  auto start = registry_.send("POST", "/v2/d/blobs/uploads/");
  std::string location(start.header("Location"));
  EXPECT_EQ(registry_.send("DELETE", location).status, 204);
  EXPECT_EQ(registry_.send("GET", location).status, 404);
}

TEST_F(SpecTest, CrossRepositoryMount) {
  std::string digest = registry_.push_blob("src/app", "shared layer");
  auto mounted =
      registry_.send("POST", "/v2/dst/app/blobs/uploads/?mount=" + digest + "&from=src/app");
  EXPECT_EQ(mounted.status, 201);
  EXPECT_EQ(mounted.header("Location"), "/v2/dst/app/blobs/" + digest);
  EXPECT_EQ(registry_.send("GET", "/v2/dst/app/blobs/" + digest).body, "shared layer");
  // Automatic mount: no from.
  auto automatic = registry_.send("POST", "/v2/other/blobs/uploads/?mount=" + digest);
  EXPECT_EQ(automatic.status, 201);
  // Not mountable (unknown source): falls back to an upload session.
  auto fallback = registry_.send(
      "POST", "/v2/third/blobs/uploads/?mount=" + digest_of("nope").str() + "&from=src/app");
  EXPECT_EQ(fallback.status, 202);
  EXPECT_FALSE(fallback.header("Location").empty());
}

TEST_F(SpecTest, BlobsAreNotVisibleInOtherRepositories) {
  std::string digest = registry_.push_blob("private", "secret layer");
  EXPECT_EQ(registry_.send("GET", "/v2/public/blobs/" + digest).status, 404);
}

TEST_F(SpecTest, ManifestPushPullByTagAndDigest) {
  std::string digest = push_image("app", "v1");
  auto by_tag = registry_.send("GET", "/v2/app/manifests/v1");
  EXPECT_EQ(by_tag.status, 200);
  EXPECT_EQ(by_tag.header("Content-Type"), kOciManifest);
  EXPECT_EQ(by_tag.header("Docker-Content-Digest"), digest);
  EXPECT_EQ(digest_of(by_tag.body).str(), digest);
  auto by_digest = registry_.send("GET", "/v2/app/manifests/" + digest);
  EXPECT_EQ(by_digest.body, by_tag.body);
  auto head = registry_.send("HEAD", "/v2/app/manifests/v1");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), std::to_string(by_tag.body.size()));
  EXPECT_EQ(error_code(registry_.send("GET", "/v2/app/manifests/v2")), "MANIFEST_UNKNOWN");
}

TEST_F(SpecTest, ManifestPutByDigestMustMatch) {
  auto config = registry_.push_blob("app", "{}");
  auto body = image_manifest(config, 2, {});
  auto wrong = registry_.push_manifest("app", digest_of("x").str(), kOciManifest, body);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(error_code(wrong), "DIGEST_INVALID");
  auto right = registry_.push_manifest("app", digest_of(body).str(), kOciManifest, body);
  EXPECT_EQ(right.status, 201);
}

TEST_F(SpecTest, ManifestWithUnknownBlobIsRejected) {
  auto config = registry_.push_blob("app", "{}");
  auto body = image_manifest(config, 2, {{digest_of("missing layer").str(), 13}});
  auto res = registry_.push_manifest("app", "v1", kOciManifest, body);
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(error_code(res), "MANIFEST_BLOB_UNKNOWN");
  EXPECT_NE(res.body.find(digest_of("missing layer").str()), std::string::npos);
  EXPECT_EQ(registry_.send("GET", "/v2/app/manifests/v1").status, 404);
}

TEST_F(SpecTest, IndexWithUnknownChildIsRejected) {
  std::string child = push_image("multi", "child");
  json index = {
      {"schemaVersion", 2},
      {"mediaType", "application/vnd.oci.image.index.v1+json"},
      {"manifests",
       {{{"mediaType", kOciManifest}, {"digest", child}, {"size", 10}},
        {{"mediaType", kOciManifest}, {"digest", digest_of("absent").str()}, {"size", 10}}}}};
  auto res = registry_.push_manifest("multi", "all", "application/vnd.oci.image.index.v1+json",
                                     index.dump());
  EXPECT_EQ(error_code(res), "MANIFEST_BLOB_UNKNOWN");
  index["manifests"].erase(1);
  EXPECT_EQ(
      registry_
          .push_manifest("multi", "all", "application/vnd.oci.image.index.v1+json", index.dump())
          .status,
      201);
}

TEST_F(SpecTest, DockerSchema2AndManifestList) {
  auto config = registry_.push_blob("dock", "{}");
  json m = {{"schemaVersion", 2},
            {"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
            {"config",
             {{"mediaType", "application/vnd.docker.container.image.v1+json"},
              {"digest", config},
              {"size", 2}}},
            {"layers", json::array()}};
  auto res = registry_.push_manifest(
      "dock", "v2", "application/vnd.docker.distribution.manifest.v2+json", m.dump());
  ASSERT_EQ(res.status, 201) << res.body;
  json list = {{"schemaVersion", 2},
               {"mediaType", "application/vnd.docker.distribution.manifest.list.v2+json"},
               {"manifests",
                {{{"mediaType", "application/vnd.docker.distribution.manifest.v2+json"},
                  {"digest", digest_of(m.dump()).str()},
                  {"size", m.dump().size()},
                  {"platform", {{"os", "linux"}, {"architecture", "amd64"}}}}}}};
  EXPECT_EQ(
      registry_
          .push_manifest("dock", "list",
                         "application/vnd.docker.distribution.manifest.list.v2+json", list.dump())
          .status,
      201);
  EXPECT_EQ(registry_.send("GET", "/v2/dock/manifests/list").header("Content-Type"),
            "application/vnd.docker.distribution.manifest.list.v2+json");
}

TEST_F(SpecTest, Schema1IsRejectedClearly) {
  auto res = registry_.push_manifest(
      "old", "v1", "application/vnd.docker.distribution.manifest.v1+prettyjws",
      R"({"schemaVersion":1,"name":"old","tag":"v1","fsLayers":[]})");
  EXPECT_EQ(res.status, 400);
  EXPECT_EQ(error_code(res), "MANIFEST_INVALID");
  EXPECT_NE(res.body.find("schema 1"), std::string::npos);
}

TEST_F(SpecTest, InvalidManifestAndTag) {
  auto res = registry_.push_manifest("app", "v1", kOciManifest, "{not json");
  EXPECT_EQ(error_code(res), "MANIFEST_INVALID");
  auto tag = registry_.push_manifest("app", "-bad", kOciManifest, "{}");
  EXPECT_EQ(error_code(tag), "TAG_INVALID");
}

TEST_F(SpecTest, OversizedManifestIs413) {
  auto res = registry_.push_manifest("app", "big", kOciManifest, std::string(5 * 1024 * 1024, ' '));
  EXPECT_EQ(res.status, 413);
}

TEST_F(SpecTest, TagListPagination) {
  for (const char* t : {"d", "a", "c", "b", "e"}) push_image("pg", t);
  auto all = json::parse(registry_.send("GET", "/v2/pg/tags/list").body);
  EXPECT_EQ(all["tags"], json({"a", "b", "c", "d", "e"}));
  auto page = registry_.send("GET", "/v2/pg/tags/list?n=2");
  EXPECT_EQ(json::parse(page.body)["tags"], json({"a", "b"}));
  EXPECT_EQ(page.header("Link"), "</v2/pg/tags/list?n=2&last=b>; rel=\"next\"");
  auto next = registry_.send("GET", "/v2/pg/tags/list?n=2&last=b");
  EXPECT_EQ(json::parse(next.body)["tags"], json({"c", "d"}));
  auto last = registry_.send("GET", "/v2/pg/tags/list?n=2&last=d");
  EXPECT_EQ(json::parse(last.body)["tags"], json({"e"}));
  EXPECT_TRUE(last.header("Link").empty());
  EXPECT_EQ(registry_.send("GET", "/v2/pg/tags/list?n=-1").status, 400);
}

TEST_F(SpecTest, CatalogPagination) {
  for (const char* r : {"c/x", "a/x", "b/x"}) push_image(r, "v");
  auto page = registry_.send("GET", "/v2/_catalog?n=2");
  EXPECT_EQ(json::parse(page.body)["repositories"], json({"a/x", "b/x"}));
  EXPECT_EQ(page.header("Link"), "</v2/_catalog?n=2&last=b%2Fx>; rel=\"next\"");
  auto next = registry_.send("GET", "/v2/_catalog?n=2&last=b%2Fx");
  EXPECT_EQ(json::parse(next.body)["repositories"], json({"c/x"}));
}

TEST_F(SpecTest, ReferrersAndSubject) {
  std::string subject = push_image("ref", "v1");
  auto empty = registry_.push_blob("ref", "{}");
  auto sbom_layer = registry_.push_blob("ref", "sbom");
  auto sig_layer = registry_.push_blob("ref", "sig");
  auto sbom =
      image_manifest(empty, 2, {{sbom_layer, 4}}, subject, 10, "application/vnd.example.sbom");
  auto sig = image_manifest(empty, 2, {{sig_layer, 3}}, subject, 10, "application/vnd.example.sig");
  auto put = registry_.push_manifest("ref", digest_of(sbom).str(), kOciManifest, sbom);
  EXPECT_EQ(put.status, 201);
  EXPECT_EQ(put.header("OCI-Subject"), subject);
  ASSERT_EQ(registry_.push_manifest("ref", digest_of(sig).str(), kOciManifest, sig).status, 201);

  auto all = registry_.send("GET", "/v2/ref/referrers/" + subject);
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.header("Content-Type"), "application/vnd.oci.image.index.v1+json");
  auto index = json::parse(all.body);
  EXPECT_EQ(index["schemaVersion"], 2);
  ASSERT_EQ(index["manifests"].size(), 2u);
  EXPECT_TRUE(all.header("OCI-Filters-Applied").empty());

  auto filtered = registry_.send(
      "GET", "/v2/ref/referrers/" + subject + "?artifactType=application%2Fvnd.example.sbom");
  EXPECT_EQ(filtered.header("OCI-Filters-Applied"), "artifactType");
  auto only = json::parse(filtered.body)["manifests"];
  ASSERT_EQ(only.size(), 1u);
  EXPECT_EQ(only[0]["digest"], digest_of(sbom).str());
  EXPECT_EQ(only[0]["artifactType"], "application/vnd.example.sbom");
  EXPECT_EQ(only[0]["size"], sbom.size());

  // A subject with no referrers (or that does not exist) is an empty list, not a 404.
  auto none = registry_.send("GET", "/v2/ref/referrers/" + digest_of("nothing").str());
  EXPECT_EQ(none.status, 200);
  EXPECT_TRUE(json::parse(none.body)["manifests"].empty());
}

TEST_F(SpecTest, DeleteTagKeepsManifestDeleteDigestRemovesIt) {
  std::string digest = push_image("del", "v1");
  ASSERT_EQ(registry_
                .push_manifest("del", "v2", kOciManifest,
                               registry_.send("GET", "/v2/del/manifests/v1").body)
                .status,
            201);
  EXPECT_EQ(registry_.send("DELETE", "/v2/del/manifests/v1").status, 202);
  EXPECT_EQ(registry_.send("GET", "/v2/del/manifests/v1").status, 404);
  EXPECT_EQ(registry_.send("GET", "/v2/del/manifests/" + digest).status, 200);
  EXPECT_EQ(registry_.send("GET", "/v2/del/manifests/v2").status, 200);
  EXPECT_EQ(registry_.send("DELETE", "/v2/del/manifests/" + digest).status, 202);
  EXPECT_EQ(registry_.send("GET", "/v2/del/manifests/" + digest).status, 404);
  EXPECT_EQ(registry_.send("GET", "/v2/del/manifests/v2").status, 404);
  EXPECT_EQ(error_code(registry_.send("DELETE", "/v2/del/manifests/" + digest)),
            "MANIFEST_UNKNOWN");
}

TEST_F(SpecTest, DeleteBlob) {
  std::string digest = registry_.push_blob("db", "bytes");
  EXPECT_EQ(registry_.send("DELETE", "/v2/db/blobs/" + digest).status, 202);
  EXPECT_EQ(registry_.send("GET", "/v2/db/blobs/" + digest).status, 404);
  EXPECT_EQ(error_code(registry_.send("DELETE", "/v2/db/blobs/" + digest)), "BLOB_UNKNOWN");
}

TEST_F(SpecTest, UnsupportedMethodsAndPaths) {
  EXPECT_EQ(registry_.send("POST", "/v2/x/tags/list").status, 405);
  EXPECT_EQ(registry_.send("GET", "/v3/").status, 404);
}

TEST_F(SpecTest, HealthAndMetrics) {
  push_image("m", "v1");
  EXPECT_EQ(registry_.send("GET", "/healthz").status, 200);
  auto metrics = registry_.send("GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(
      metrics.body.find(
          "portcullis_http_requests_total{route=\"manifest\",method=\"PUT\",status=\"201\"} 1"),
      std::string::npos)
      << metrics.body;
  EXPECT_NE(
      metrics.body.find("portcullis_http_request_duration_seconds_count{route=\"upload_start\"} 2"),
      std::string::npos);
  EXPECT_NE(metrics.body.find("portcullis_stored_blobs 2"), std::string::npos);
  EXPECT_NE(metrics.body.find("portcullis_http_received_bytes_total"), std::string::npos);
}

}  // namespace
}  // namespace portcullis::testing
