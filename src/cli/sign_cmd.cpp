// portcullis sign | attest: simple-signing signatures and in-toto attestations, stored in the
// cosign tag layout and as OCI 1.1 referrers of the image (in its registry, or for a local image
// in an OCI layout directory), or for OpenPGP as skopeo standalone-sign's signature file.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "cli/commands.hpp"
#include "cli/sign_target.hpp"
#include "sign/dsse.hpp"
#include "sign/pgp.hpp"

namespace portcullis::cli {
namespace {

// OpenPGP: the signed message to a file, as `skopeo standalone-sign` writes it.
int sign_pgp(const SignFlags& f, sign::SimpleSigning payload) {
  if (f.output.empty()) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--gpg-key needs --output FILE (OpenPGP signatures are files, as "
                             "skopeo standalone-sign writes them)"));
  }
  if (is_local_image(f.image) && f.identity.empty()) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--identity REGISTRY/REPO[:TAG] is required for a local image: it "
                             "names the image the signature vouches for"));
  }
  if (is_local_image(f.image)) {
    auto subject = local_subject(f.image);
    if (!subject) return report(subject.error());
    payload.manifest_digest = subject->digest;
    payload.docker_reference = f.identity;
  } else {
    auto target = open_target(f, "pull", "", false);
    if (!target) return report(target.error());
    payload.manifest_digest = target->subject.digest;
    payload.docker_reference = target->identity;
  }
  auto message = sign::pgp_sign(sign::make_payload(payload), f.gpg_key, f.gpg_home);
  if (!message) return report(message.error());
  if (auto s = write_file_atomic(f.output, *message, 0644); !s) return report(s.error());
  std::printf("signed %s@%s with OpenPGP key %s: %s\n", payload.docker_reference.c_str(),
              payload.manifest_digest.c_str(), f.gpg_key.c_str(), f.output.c_str());
  return kExitOk;
}

Result<std::string> payload_type(const SignFlags& f) {
  if (f.type == "cosign") return std::string(sign::kCosignType);
  if (f.type == "atomic") return std::string(sign::kAtomicType);
  if (f.type == "binauthz") return std::string(sign::kBinauthzType);
  return make_error(ErrorCode::kInvalidArgument, "--type {}: use cosign, atomic or binauthz",
                    f.type);
}

int sign_image(const SignFlags& f) {
  sign::SimpleSigning payload;
  if (!f.gpg_key.empty()) {
    payload.type = std::string(f.type == "binauthz" ? sign::kBinauthzType : sign::kAtomicType);
    if (auto s = add_annotations(f, payload); !s) return report(s.error());
    return sign_pgp(f, std::move(payload));
  }
  auto type = payload_type(f);
  if (!type) return report(type.error());
  payload.type = *type;
  auto key = load_private_key(f.key);
  if (!key) return report(key.error());
  auto algorithm = algorithm_for(f, key->type());
  if (!algorithm) return report(algorithm.error());
  if (auto s = add_annotations(f, payload); !s) return report(s.error());
  if (is_local_image(f.image) && f.identity.empty()) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--identity REGISTRY/REPO[:TAG] is required for a local image"));
  }
  auto target = open_target(f, "pull,push", f.output, true);
  if (!target) return report(target.error());
  payload.manifest_digest = target->subject.digest;
  payload.docker_reference = target->identity;
  std::string body = sign::make_payload(payload);
  auto signature = key->sign(body, *algorithm);
  if (!signature) return report(signature.error());
  auto pushed = sign::push_signature(*target->store, target->subject, body, *signature);
  if (!pushed) return report(pushed.error());
  std::printf("signed %s@%s with %s (%s); stored in %s as tag %s and as a referrer\n",
              payload.docker_reference.c_str(), payload.manifest_digest.c_str(),
              key->public_key().id().c_str(), std::string(sign::algorithm_name(*algorithm)).c_str(),
              target->store->location().c_str(),
              sign::signature_tag(payload.manifest_digest).c_str());
  return kExitOk;
}

int attest_image(const SignFlags& f) {
  auto type = sign::predicate_type_uri(f.attestation_type);
  if (!type) return report(type.error());
  auto predicate = read_file(f.predicate);
  if (!predicate)
    return report(make_error(ErrorCode::kInvalidArgument, "{}", predicate.error().what()));
  if (nlohmann::json::parse(*predicate, nullptr, false).is_discarded()) {
    return report(
        make_error(ErrorCode::kInvalidArgument, "{}: the predicate is not JSON", f.predicate));
  }
  auto key = load_private_key(f.key);
  if (!key) return report(key.error());
  auto algorithm = algorithm_for(f, key->type());
  if (!algorithm) return report(algorithm.error());
  if (is_local_image(f.image) && f.identity.empty()) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--identity REGISTRY/REPO is required for a local image"));
  }
  auto target = open_target(f, "pull,push", f.output, true);
  if (!target) return report(target.error());
  auto statement = sign::make_statement(target->name, target->subject.digest, *type, *predicate);
  auto envelope = sign::make_envelope(sign::kInTotoPayloadType, statement, *key, *algorithm);
  if (!envelope) return report(envelope.error());
  if (auto s = sign::push_attestation(*target->store, target->subject, *envelope, *type); !s) {
    return report(s.error());
  }
  std::printf("attested %s@%s: %s, signed by %s (%s)\n", target->name.c_str(),
              target->subject.digest.c_str(), type->c_str(), key->public_key().id().c_str(),
              std::string(sign::algorithm_name(*algorithm)).c_str());
  return kExitOk;
}

}  // namespace

void register_sign(CLI::App& app, Runner& run) {
  auto s = std::make_shared<SignFlags>();
  auto* sign_cmd = app.add_subcommand(
      "sign", "Sign an image (cosign tag layout + OCI referrer, or an OpenPGP signature file)");
  add_sign_common(sign_cmd, *s);
  sign_cmd->add_option("--key", s->key, "PEM private key (PORTCULLIS_KEY_PASSWORD decrypts it)");
  sign_cmd->add_option("--output", s->output,
                       "--gpg-key: the signature file; --key with a local image: the OCI layout "
                       "directory for the signature");
  sign_cmd->add_option("--type", s->type,
                       "Payload type: cosign (default; atomic with --gpg-key), atomic "
                       "(containers/image), binauthz");
  sign_cmd->add_option("--annotation", s->annotations, "KEY=VALUE in the payload's optional")
      ->allow_extra_args(false);
  sign_cmd->callback([s, &run] { run = [s] { return sign_image(*s); }; });

  auto a = std::make_shared<SignFlags>();
  auto* attest_cmd =
      app.add_subcommand("attest", "Attach a signed in-toto attestation (DSSE) to an image");
  add_sign_common(attest_cmd, *a);
  attest_cmd->add_option("--key", a->key, "PEM private key")->required();
  attest_cmd->add_option("--predicate", a->predicate, "Predicate JSON file")->required();
  attest_cmd
      ->add_option("--type", a->attestation_type,
                   "Predicate type: slsaprovenance, cyclonedx, vuln, verdict or a URI")
      ->required();
  attest_cmd->add_option("--output", a->output,
                         "Local image: the OCI layout directory for the attestation");
  attest_cmd->callback([a, &run] { run = [a] { return attest_image(*a); }; });
}

}  // namespace portcullis::cli
