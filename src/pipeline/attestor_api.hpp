// The server's attestor API (paths in sign/attestor_client.hpp): attestors stored in the
// metadata store in Binary Authorization's REST shape. Listing and reading need a logged-in
// user; creating, adding keys and deleting need an admin. Every change is logged.
#pragma once

#include "registry/registry.hpp"
#include "store/metadata_store.hpp"

namespace portcullis::pipeline {

void mount_attestor_api(registry::Registry& registry, store::MetadataStore& metadata);

}  // namespace portcullis::pipeline
