// Signatures and attestations of an image, kept in every layout clients read:
// - cosign's tags in the image's repository: "sha256-<hex>.sig" names an OCI manifest whose
//   layers are simple-signing payloads (application/vnd.dev.cosign.simplesigning.v1+json), each
//   with its base64 signature in the annotation dev.cosignproject.cosign/signature;
//   "sha256-<hex>.att" holds DSSE envelopes (application/vnd.dsse.envelope.v1+json) annotated
//   with their predicateType (what skopeo, podman and cosign read);
// - OCI 1.1 referrers: one artifact manifest per signature or attestation with `subject` = the
//   image, found through the referrers API, or through the referrers tag schema index
//   ("sha256-<hex>") on registries without it (distribution 2.x).
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"
#include "http/registry_client.hpp"
#include "oci/reference.hpp"
#include "sign/artifact_store.hpp"

namespace portcullis::sign {

inline constexpr std::string_view kSimpleSigningMediaType =
    "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view kSignatureAnnotation = "dev.cosignproject.cosign/signature";
inline constexpr std::string_view kDsseMediaType = "application/vnd.dsse.envelope.v1+json";
// The artifactType of signature referrers, as cosign's OCI 1.1 mode writes it.
inline constexpr std::string_view kSignatureArtifactType =
    "application/vnd.dev.cosign.artifact.sig.v1+json";
// An attestation referrer's predicate type: artifactType must be a media type, which a predicate
// type URI is not, so the URI travels in this manifest annotation (cosign's bundle spec key).
inline constexpr std::string_view kPredicateTypeAnnotation = "dev.sigstore.bundle.predicateType";

// The manifest a signature binds: what a referrer's `subject` names.
struct Subject {
  std::string digest;  // "sha256:<hex>"
  std::string media_type;
  int64_t size = 0;
};

// The manifest the reference names: its own digest, or the tag's (an index's own digest for a
// multi-platform image, as cosign and skopeo sign it).
Result<Subject> resolve_subject(http::RegistryClient& client, const oci::Reference& ref);

std::string signature_tag(std::string_view manifest_digest);  // "sha256-<hex>.sig"

struct StoredSignature {
  std::string payload;    // the layer's bytes (verified against its digest)
  std::string signature;  // decoded from the annotation
  std::string where;      // "tag sha256-….sig" or "referrer sha256:…", for messages
};

struct StoredAttestation {
  std::string envelope;  // the layer's bytes (verified against its digest)
  std::string predicate_type;
  std::string where;
};

// One artifact manifest whose subject is the image, holding `content` as its one layer; on a
// store that does not index subjects, also listed in the referrers tag schema index.
Status push_referrer(ArtifactStore& store, const Subject& subject, std::string_view artifact_type,
                     std::string_view media_type, const std::string& content,
                     const nlohmann::json& layer_annotations,
                     const nlohmann::json& manifest_annotations);

// Adds the signature under the .sig tag (keeping those already there) and as a referrer.
Status push_signature(ArtifactStore& store, const Subject& subject, const std::string& payload,
                      const std::string& signature);
// Every signature of the image in either layout, each once.
Result<std::vector<StoredSignature>> fetch_signatures(ArtifactStore& store,
                                                      std::string_view manifest_digest);

Status push_attestation(ArtifactStore& store, const Subject& subject, const std::string& envelope,
                        std::string_view predicate_type);
Result<std::vector<StoredAttestation>> fetch_attestations(ArtifactStore& store,
                                                          std::string_view manifest_digest);

}  // namespace portcullis::sign
