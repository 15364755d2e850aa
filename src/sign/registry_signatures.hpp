// Signatures and attestations stored in a registry the way cosign and containers/image (skopeo,
// podman) store them: the tag "sha256-<hex>.sig" in the image's repository names an OCI manifest
// whose layers are simple-signing payloads (media type
// application/vnd.dev.cosign.simplesigning.v1+json), each with its base64 signature in the
// annotation dev.cosignproject.cosign/signature; "sha256-<hex>.att" holds DSSE envelopes
// (application/vnd.dsse.envelope.v1+json) annotated with their predicateType.
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"
#include "http/registry_client.hpp"
#include "oci/reference.hpp"

namespace portcullis::sign {

inline constexpr std::string_view kSimpleSigningMediaType =
    "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view kSignatureAnnotation = "dev.cosignproject.cosign/signature";
inline constexpr std::string_view kDsseMediaType = "application/vnd.dsse.envelope.v1+json";

struct StoredSignature {
  std::string payload;    // the layer's bytes (verified against its digest)
  std::string signature;  // decoded from the annotation
  std::string layer_digest;
};

// The digest the reference names: its own, or the tag's manifest digest (an index's own digest
// for a multi-platform image, as cosign and skopeo sign it).
Result<std::string> resolve_digest(http::RegistryClient& client, const oci::Reference& ref);

std::string signature_tag(std::string_view manifest_digest);  // "sha256-<hex>.sig"

// Adds a signature layer to the image's signature manifest (keeping those already there).
Status push_signature(http::RegistryClient& client, std::string_view manifest_digest,
                      const std::string& payload, const std::string& signature);

// Every simple-signing layer of the image's signature manifest; none when it has none.
Result<std::vector<StoredSignature>> fetch_signatures(http::RegistryClient& client,
                                                      std::string_view manifest_digest);

struct StoredAttestation {
  std::string envelope;  // the layer's bytes (verified against its digest)
  std::string predicate_type;
  std::string layer_digest;
};

Status push_attestation(http::RegistryClient& client, std::string_view manifest_digest,
                        const std::string& envelope, std::string_view predicate_type);
Result<std::vector<StoredAttestation>> fetch_attestations(http::RegistryClient& client,
                                                          std::string_view manifest_digest);

}  // namespace portcullis::sign
