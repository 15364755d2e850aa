// Copying images with everything they reference: inside the registry (promotion: blobs by
// cross-repository mount, no data copied), from an upstream registry (pull mirroring) and to a
// remote one (push mirroring). Children and blobs go first and the tagged manifest last, so a
// failure never leaves a manifest whose content is missing.
#pragma once

#include <string>

#include "http/registry_client.hpp"
#include "pipeline/local_registry.hpp"

namespace portcullis::pipeline {

// Accept header for every manifest type.
extern const char* const kManifestAccept;

// `digest` of `from` into `to` under `tag` (empty: by digest only), as `user`; then the
// signatures, attestations and other referrers of that digest (cosign tags included). A refusal
// of the target repository's rules is kPermissionDenied with its message.
Status copy_local(const LocalRegistry& local, const std::string& from, const std::string& digest,
                  const std::string& to, const std::string& tag, const std::string& user);

// The manifest `reference` (tag or digest) of the upstream repository, with every platform of an
// index, into `to` under `tag`. Returns the digest.
Result<std::string> copy_from_remote(http::RegistryClient& upstream, const std::string& reference,
                                     const LocalRegistry& local, const std::string& to,
                                     const std::string& tag, const std::string& user);

// `digest` of local `from` to the remote repository under `tag`.
Status copy_to_remote(const LocalRegistry& local, const std::string& from,
                      const std::string& digest, http::RegistryClient& remote,
                      const std::string& tag);

}  // namespace portcullis::pipeline
