// The simple-signing payload ("atomic container signature"): what a signature binds — an image
// identity (docker-reference) to a manifest digest. The `type` string differs by producer
// (DESIGN.md): containers/image (skopeo, podman), cosign and Binary Authorization (gcloud,
// Voucher); all three are accepted when reading.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace portcullis::sign {

inline constexpr std::string_view kAtomicType = "atomic container signature";
inline constexpr std::string_view kCosignType = "cosign container image signature";
inline constexpr std::string_view kBinauthzType = "Google cloud binauthz container signature";

struct SimpleSigning {
  std::string docker_reference;  // critical.identity.docker-reference
  std::string manifest_digest;   // critical.image.docker-manifest-digest
  std::string type = std::string(kCosignType);
  std::map<std::string, std::string> optional;  // annotations; "creator", "timestamp", ...
};

std::string make_payload(const SimpleSigning& payload);
// Errors name the missing or malformed field.
Result<SimpleSigning> parse_payload(std::string_view json);

}  // namespace portcullis::sign
