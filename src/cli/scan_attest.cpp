// Attaching scan results as attestations.
#include "cli/scan_attest.hpp"

#include <cstdio>

#include "base/json_text.hpp"
#include "cli/sign_target.hpp"
#include "sign/dsse.hpp"

namespace portcullis::cli {

Status attach_attestations(const ImageInput& input, const std::string& key_path,
                           const std::vector<Predicate>& predicates) {
  auto key = load_private_key(key_path);
  if (!key) return key.error();
  auto algorithm = sign::default_algorithm(key->type());
  SignFlags f;
  f.image = input.image;
  f.creds = input.creds;
  f.tls_verify = input.tls_verify;
  auto target = open_target(f, "pull,push", "", false);
  if (!target) return target.error();
  for (const auto& p : predicates) {
    auto type = sign::predicate_type_uri(p.type);
    if (!type) return type.error();
    auto statement =
        sign::make_statement(target->name, target->subject.digest, *type, to_json_text(p.body));
    auto envelope = sign::make_envelope(sign::kInTotoPayloadType, statement, *key, algorithm);
    if (!envelope) return envelope.error();
    PORTCULLIS_TRY(sign::push_attestation(*target->store, target->subject, *envelope, *type));
    std::fprintf(stderr, "portcullis: attested %s@%s: %s, signed by %s\n", target->name.c_str(),
                 target->subject.digest.c_str(), type->c_str(), key->public_key().id().c_str());
  }
  return Ok{};
}

}  // namespace portcullis::cli
