// Candidate-by-candidate verification with reasons.
#include "sign/verify.hpp"

#include <cstdlib>
#include <filesystem>

#include "base/file.hpp"
#include "sign/dsse.hpp"
#include "sign/payload.hpp"
#include "sign/pgp.hpp"

namespace portcullis::sign {
namespace {

// A throw-away GnuPG home holding the OpenPGP keys among `keys`; removed with the object.
class PgpKeyring {
 public:
  explicit PgpKeyring(std::span<const AttestorKey> keys) {
    for (const auto& k : keys) {
      if (k.pgp_armored.empty()) continue;
      if (home_.empty()) {
        char dir[] = "/tmp/portcullis-gpg-XXXXXX";
        if (mkdtemp(dir) == nullptr) return;
        home_ = dir;
      }
      (void)pgp_import(k.pgp_armored, home_);
    }
  }
  ~PgpKeyring() {
    std::error_code ec;
    if (!home_.empty()) std::filesystem::remove_all(home_, ec);
  }
  PgpKeyring(const PgpKeyring&) = delete;
  PgpKeyring& operator=(const PgpKeyring&) = delete;
  const std::string& home() const { return home_; }

 private:
  std::string home_;
};

std::string key_list(std::span<const AttestorKey> keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k.id;
  return out;
}

// The payload `key` signed in the candidate, or why it did not.
Result<std::string> signed_payload(const StoredSignature& c, const AttestorKey& key,
                                   const PgpKeyring& keyring) {
  if (key.pkix) {
    PORTCULLIS_TRY(key.pkix->verify(c.payload, c.signature, key.algorithm));
    return c.payload;
  }
  auto checked = pgp_verify(c.signature, key.id, keyring.home());
  if (!checked) return checked.error();
  if (!c.payload.empty() && checked->payload != c.payload) {
    return make_error(ErrorCode::kPermissionDenied,
                      "the OpenPGP message signs other content than the payload");
  }
  return checked->payload;
}

}  // namespace

Verification check_signatures(const std::vector<StoredSignature>& candidates,
                              std::span<const AttestorKey> keys, std::string_view digest,
                              std::string_view identity) {
  Verification v;
  v.candidates = candidates.size();
  PgpKeyring keyring(keys);
  for (const auto& c : candidates) {
    const AttestorKey* by = nullptr;
    std::string payload_text;
    std::string why;
    for (const auto& k : keys) {
      auto payload = signed_payload(c, k, keyring);
      if (payload) {
        by = &k;
        payload_text = std::move(*payload);
        break;
      }
      why = payload.error().message();
    }
    if (by == nullptr) {
      v.rejected.push_back(
          keys.size() == 1
              ? fmt::format("{}: bad signature or unknown key: {} ({})", c.where, why, keys[0].id)
              : fmt::format("{}: unknown key: signed by none of {}", c.where, key_list(keys)));
      continue;
    }
    auto payload = parse_payload(payload_text);
    if (!payload) {
      v.rejected.push_back(c.where + ": " + payload.error().message());
      continue;
    }
    if (payload->manifest_digest != digest) {
      v.rejected.push_back(fmt::format("{}: wrong digest: it signs {}, the image is {}", c.where,
                                       payload->manifest_digest, digest));
      continue;
    }
    if (!identity.empty() && payload->docker_reference != identity) {
      v.rejected.push_back(fmt::format("{}: wrong identity: it names {}, expected {}", c.where,
                                       payload->docker_reference, identity));
      continue;
    }
    v.verified = true;
    v.payload = payload_text;
    v.accepted = fmt::format("{}: signed by {} ({}) as {}", c.where, by->id,
                             by->pkix ? algorithm_name(by->algorithm) : "OpenPGP",
                             payload->docker_reference);
    return v;
  }
  return v;
}

Verification check_attestations(const std::vector<StoredAttestation>& candidates,
                                std::span<const AttestorKey> keys, std::string_view digest,
                                std::string_view predicate_type) {
  Verification v;
  v.candidates = candidates.size();
  for (const auto& c : candidates) {
    const AttestorKey* by = nullptr;
    Result<OpenedEnvelope> opened =
        make_error(ErrorCode::kPermissionDenied, "no PKIX key to check a DSSE envelope");
    for (const auto& k : keys) {
      if (!k.pkix) continue;
      opened = open_envelope(c.envelope, *k.pkix, k.algorithm);
      if (opened) {
        by = &k;
        break;
      }
    }
    if (by == nullptr) {
      v.rejected.push_back(c.where + ": " + opened.error().message());
      continue;
    }
    auto statement = parse_statement(opened->payload);
    if (!statement) {
      v.rejected.push_back(c.where + ": " + statement.error().message());
      continue;
    }
    if (statement->predicate_type != predicate_type) {
      v.rejected.push_back(fmt::format("{}: predicate type {}, not {}", c.where,
                                       statement->predicate_type, predicate_type));
      continue;
    }
    if (statement->subject_digest != digest) {
      v.rejected.push_back(fmt::format("{}: wrong digest: its subject is {}, the image is {}",
                                       c.where, statement->subject_digest, digest));
      continue;
    }
    v.verified = true;
    v.payload = opened->payload;
    v.accepted = fmt::format("{}: {} attestation signed by {}", c.where, predicate_type, by->id);
    return v;
  }
  return v;
}

Result<AttestorKey> key_from_pem_file(const std::string& path, std::string_view algorithm) {
  auto text = read_file(path);
  if (!text) return make_error(ErrorCode::kInvalidArgument, "{}", text.error().what());
  return make_pkix_key(*text, algorithm, "", path);
}

}  // namespace portcullis::sign
