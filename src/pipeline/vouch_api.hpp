// POST /vouch (Voucher's server API): {"image_url": "REF@sha256:..."} runs every configured
// check; POST /vouch/CHECK runs one. The answer is vouch_json's. Callers authenticate with Basic
// credentials, which the checks use to read the image and write its attestations, so a caller
// can vouch only for what it may pull (and attest only where it may push).
#pragma once

#include <memory>

#include "pipeline/voucher.hpp"
#include "registry/registry.hpp"

namespace portcullis::pipeline {

// `tls_verify` applies to the registry the image is in (false allows plain-HTTP registries).
void mount_vouch_api(registry::Registry& registry,
                     const std::shared_ptr<const VoucherConfig>& config, bool tls_verify);

}  // namespace portcullis::pipeline
