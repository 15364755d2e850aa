// The registry's own stores seen as the image and signature modules see a registry: an image
// source that reads layers straight from the blob files, and an ArtifactStore over one
// repository whose writes go through Registry::store_manifest (same checks, same events). The
// pipeline scans, verifies and attaches results without an HTTP round trip.
#pragma once

#include <memory>
#include <string>

#include "image/image.hpp"
#include "registry/registry.hpp"
#include "sign/artifact_store.hpp"
#include "store/blob_store.hpp"
#include "store/metadata_store.hpp"

namespace portcullis::pipeline {

struct LocalRegistry {
  registry::Registry& registry;
  store::MetadataStore& metadata;
  store::BlobStore& blobs;
  std::string host;  // how clients name this registry ("127.0.0.1:5000"), for references

  // A stored blob's content, up to `limit` bytes, verified against its digest.
  Result<std::string> read_blob(const Digest& digest, size_t limit) const;
};

std::unique_ptr<image::ImageSource> local_image_source(const LocalRegistry& local,
                                                       std::string repository, std::string digest,
                                                       std::string platform);

// Writes are made as `user` (the audit names who caused them).
std::unique_ptr<sign::ArtifactStore> local_artifact_store(const LocalRegistry& local,
                                                          std::string repository, std::string user);

}  // namespace portcullis::pipeline
