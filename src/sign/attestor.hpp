// Binary Authorization's attestor resource (REST v1 Attestor): a name, a Grafeas note reference
// and the public keys whose signatures count as that attestor's attestations, each PKIX
// (pkixPublicKey {publicKeyPem, signatureAlgorithm}) or OpenPGP (asciiArmoredPgpPublicKey).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "sign/keys.hpp"

namespace portcullis::sign {

struct AttestorKey {
  std::string id;  // as given, else BA's derivation (ni:///sha-256;… or the PGP fingerprint)
  std::string comment;
  std::optional<PublicKey> pkix;
  Algorithm algorithm = Algorithm::kEcdsaP256Sha256;
  std::string pkix_pem;     // the PEM as given
  std::string pgp_armored;  // asciiArmoredPgpPublicKey
};

struct Attestor {
  std::string name;  // "projects/P/attestors/A" or just "A"
  std::string description;
  std::string note_reference;
  std::vector<AttestorKey> keys;

  // The last path segment of the name: what --attestor and requireAttestationsBy match on.
  std::string short_name() const;
};

// One attestor as a JSON/YAML document in the REST shape (userOwnedGrafeasNote.publicKeys, or
// the v1beta1 userOwnedDrydockNote). `where` names the document in errors.
Result<Attestor> attestor_from_json(const nlohmann::json& doc, std::string_view where);
// A YAML or JSON file holding one attestor, a list of them, or {attestors: [...]}.
Result<std::vector<Attestor>> parse_attestors(std::string_view text, std::string_view name);
// The REST shape back (what `attestor list` prints and the server stores).
nlohmann::json attestor_to_json(const Attestor& attestor);
// A key entry for a PKIX PEM (id derived unless given) or an armored OpenPGP key.
Result<AttestorKey> make_pkix_key(std::string_view pem, std::string_view algorithm,
                                  std::string_view id, std::string_view where);
Result<AttestorKey> make_pgp_key(std::string_view armored, std::string_view id,
                                 std::string_view where);

}  // namespace portcullis::sign
