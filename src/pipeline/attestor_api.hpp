// The server's attestor API (paths in sign/attestor_client.hpp): attestors stored in the
// metadata store in Binary Authorization's REST shape. Listing and reading need a logged-in
// user; creating, adding keys and deleting need an admin. Every change is logged.
#pragma once

#include <functional>

#include "registry/registry.hpp"
#include "store/metadata_store.hpp"

namespace portcullis::pipeline {

// Called for each change: who, what ("create", "add-key ID", "delete"), which attestor.
using AttestorAudit =
    std::function<void(const registry::Identity&, std::string_view, std::string_view)>;

void mount_attestor_api(registry::Registry& registry, store::MetadataStore& metadata,
                        AttestorAudit audit = {});

}  // namespace portcullis::pipeline
