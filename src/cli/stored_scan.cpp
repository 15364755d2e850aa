// Reusing a portcullis registry's stored scan.
#include "cli/stored_scan.hpp"

#include <cstdio>

#include "analyze/inventory_json.hpp"
#include "base/encoding.hpp"
#include "http/registry_client.hpp"
#include "image/image.hpp"
#include "oci/reference.hpp"

namespace portcullis::cli {
namespace {

constexpr const char* kAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

Result<analyze::ScanResult> fetch(const ImageInput& f) {
  std::string location = f.image;
  if (location.starts_with("docker://")) location = location.substr(9);
  auto ref = oci::parse_reference(location);
  if (!ref) return ref.error();
  image::RegistryOptions given;
  given.tls_verify = f.tls_verify;
  if (auto colon = f.creds.find(':'); colon != std::string::npos) {
    given.username = f.creds.substr(0, colon);
    given.password = f.creds.substr(colon + 1);
  }
  auto creds = image::registry_credentials(*ref, given);
  if (!creds) return creds.error();
  http::RegistryClient client({ref->api_host(), ref->repository, creds->username, creds->password,
                               f.tls_verify, "pull", location});
  std::string digest = ref->digest ? ref->digest->str() : "";
  if (digest.empty()) {
    auto head = client.send({"HEAD",
                             "/v2/" + ref->repository + "/manifests/" + ref->tag,
                             {{"Accept", kAccept}},
                             "",
                             false});
    if (!head) return head.error();
    if (head->status != 200) return client.http_error(*head, "manifest " + ref->tag);
    digest = std::string(head->header("docker-content-digest"));
  }
  auto res =
      client.send({"GET",
                   "/portcullis/v1/scan/inventory?repository=" + percent_encode(ref->repository) +
                       "&digest=" + percent_encode(digest),
                   {},
                   "",
                   false});
  if (!res) return res.error();
  if (res->status != 200) return client.http_error(*res, "the stored scan of " + digest);
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  if (doc.is_discarded()) return make_error(ErrorCode::kCorrupt, "the stored scan is not JSON");
  auto inventory = analyze::inventory_from(doc);
  if (!inventory) return inventory.error();
  analyze::ScanResult out;
  out.image.reference = f.image;
  if (auto d = Digest::parse(digest)) out.image.manifest_digest = *d;
  out.inventory = std::move(*inventory);
  std::fprintf(stderr,
               "portcullis: using the inventory %s stored when it scanned %s (no layer "
               "read)\n",
               ref->registry.c_str(), digest.c_str());
  return out;
}

}  // namespace

std::optional<analyze::ScanResult> registry_stored_scan(const ImageInput& input) {
  bool local = input.image.starts_with("oci:") || input.image.starts_with("oci-archive:") ||
               input.image.starts_with("docker-archive:");
  if (local) {
    std::fprintf(stderr, "portcullis: --registry-scan: %s is not in a registry; reading it\n",
                 input.image.c_str());
    return std::nullopt;
  }
  auto stored = fetch(input);
  if (!stored) {
    std::fprintf(stderr, "portcullis: --registry-scan: no stored scan (%s); reading the image\n",
                 stored.error().what().c_str());
    return std::nullopt;
  }
  return std::move(*stored);
}

}  // namespace portcullis::cli
