// Verification of stored signatures and attestations against trusted keys: a candidate counts
// only when a trusted key's signature checks out and it binds this exact manifest digest (and,
// when asked, this identity or predicate type). Every rejected candidate keeps its reason.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "sign/attestor.hpp"
#include "sign/storage.hpp"

namespace portcullis::sign {

struct Verification {
  bool verified = false;
  std::string accepted;               // which candidate, by which key, naming what
  std::vector<std::string> rejected;  // "<where>: <why>", one per rejected candidate
  size_t candidates = 0;
  std::string payload;  // the accepted candidate's signed payload (statement for attestations)
};

// Simple-signing signatures: PKIX keys check the signature over the payload; OpenPGP keys
// check a signed message (whose content must be the payload when the candidate carries one).
Verification check_signatures(const std::vector<StoredSignature>& candidates,
                              std::span<const AttestorKey> keys, std::string_view digest,
                              std::string_view identity);

// DSSE envelopes holding in-toto statements of `predicate_type` about `digest`.
Verification check_attestations(const std::vector<StoredAttestation>& candidates,
                                std::span<const AttestorKey> keys, std::string_view digest,
                                std::string_view predicate_type);

// A key entry for a plain PEM public key file (verify --key).
Result<AttestorKey> key_from_pem_file(const std::string& path, std::string_view algorithm);

}  // namespace portcullis::sign
