// DSSE envelopes (github.com/secure-systems-lab/dsse, protocol v1) around in-toto Statement v1
// (github.com/in-toto/attestation, spec/v1): the form cosign and Binary Authorization use for
// attestations. Signatures cover PAE(payloadType, payload), never the bare payload.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"
#include "sign/keys.hpp"

namespace portcullis::sign {

inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";
inline constexpr std::string_view kStatementType = "https://in-toto.io/Statement/v1";

// "DSSEv1 <len(type)> <type> <len(body)> <body>".
std::string pae(std::string_view payload_type, std::string_view payload);

// The envelope JSON: payloadType, base64 payload, one signature with the key's id.
Result<std::string> make_envelope(std::string_view payload_type, std::string_view payload,
                                  const PrivateKey& key, Algorithm algorithm);

struct OpenedEnvelope {
  std::string payload_type;
  std::string payload;
};

// Opens an envelope when one of its signatures verifies under `key`; errors say why not
// (malformed or truncated envelope, no signature by this key, bad signature).
Result<OpenedEnvelope> open_envelope(std::string_view envelope, const PublicKey& key,
                                     Algorithm algorithm);

// An in-toto Statement v1 about one image: subject name and sha256 digest.
std::string make_statement(std::string_view subject_name, std::string_view manifest_digest,
                           std::string_view predicate_type, std::string_view predicate_json);

struct Statement {
  std::string subject_name;
  std::string subject_digest;  // "sha256:<hex>"
  std::string predicate_type;
};
Result<Statement> parse_statement(std::string_view json);

// Short names for predicate types: slsaprovenance, cyclonedx, vuln, verdict; anything with a
// scheme is taken as the URI itself.
Result<std::string> predicate_type_uri(std::string_view name);

}  // namespace portcullis::sign
