// Where signatures and attestations are kept: a repository of a registry, or an OCI image layout
// directory (for images that are not in a registry, written with `--output DIR` and pushable as
// is with `skopeo copy oci:DIR:TAG docker://...`). Both hold blobs, manifests by tag and by
// digest, and know which manifests name a subject (OCI 1.1 referrers).
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/digest.hpp"
#include "base/result.hpp"
#include "http/registry_client.hpp"

namespace portcullis::sign {

class ArtifactStore {
 public:
  virtual ~ArtifactStore() = default;

  virtual Status put_blob(const std::string& content) = 0;
  // Stores an OCI manifest, under `tag` when it is not empty. True when the store indexed the
  // manifest's subject itself (a registry answering OCI-Subject; always true for a layout).
  virtual Result<bool> put_manifest(const std::string& manifest, std::string_view tag) = 0;
  // The manifest under a tag or digest (verified against a digest); nullopt when there is none.
  virtual Result<std::optional<std::string>> get_manifest(std::string_view reference) = 0;
  // The blob's content, verified against its digest.
  virtual Result<std::string> get_blob(const Digest& digest) = 0;
  // Descriptors of the manifests whose subject is `digest`; nullopt when the store has no
  // referrers API (clients then keep the referrers tag schema index, "sha256-<hex>").
  virtual Result<std::optional<std::vector<nlohmann::json>>> referrers(std::string_view digest) = 0;
  // How messages name the store.
  virtual const std::string& location() const = 0;
};

std::unique_ptr<ArtifactStore> registry_store(http::RegistryClient& client);
// An OCI image layout directory; created (oci-layout, index.json) when `create` and missing.
Result<std::unique_ptr<ArtifactStore>> layout_store(const std::filesystem::path& dir, bool create);

}  // namespace portcullis::sign
