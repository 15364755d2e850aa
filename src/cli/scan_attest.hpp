// scan --attest: the scan's SBOM (CycloneDX), its vulnerability report (cosign's vuln predicate)
// and its verdict, attached to the image as signed in-toto attestations in one step.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "cli/image_input.hpp"

namespace portcullis::cli {

struct Predicate {
  std::string type;  // short name or URI (sign::predicate_type_uri)
  nlohmann::json body;
};

// Signs each predicate with the key and stores it with the image (registry images only).
// Prints one line per attestation.
Status attach_attestations(const ImageInput& input, const std::string& key_path,
                           const std::vector<Predicate>& predicates);

}  // namespace portcullis::cli
