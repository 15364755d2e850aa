// portcullis sign | verify: simple-signing signatures in the cosign tag layout of a registry,
// which cosign, skopeo and podman (sigstoreSigned policies) read and write.
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "cli/commands.hpp"
#include "http/registry_client.hpp"
#include "image/image.hpp"
#include "sign/dsse.hpp"
#include "sign/keys.hpp"
#include "sign/payload.hpp"
#include "sign/pgp.hpp"
#include "sign/registry_signatures.hpp"

namespace portcullis::cli {
namespace {

struct SignFlags {
  std::string image;
  std::string key;
  std::string algorithm;
  std::string type = "cosign";
  std::vector<std::string> annotations;
  std::string identity;
  std::string gpg_key;           // fingerprint: OpenPGP instead of --key
  std::string gpg_home;          // GnuPG home directory (default: GnuPG's)
  std::string output;            // sign: write the signature file here instead of pushing
  std::string signature;         // verify: a signature file (skopeo standalone-sign's)
  std::string predicate;         // attest: the predicate JSON file
  std::string attestation_type;  // attest: predicate type; verify: check attestations of it
  std::string creds;
  bool tls_verify = true;
};

struct Target {
  oci::Reference ref;
  std::unique_ptr<http::RegistryClient> client;
};

Result<Target> connect(const SignFlags& f, const char* actions) {
  std::string text = f.image;
  if (text.starts_with("docker://")) text = text.substr(9);
  auto ref = oci::parse_reference(text);
  if (!ref) return ref.error();
  image::RegistryOptions options;
  options.tls_verify = f.tls_verify;
  if (!f.creds.empty()) {
    auto colon = f.creds.find(':');
    if (colon == std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, "--creds must be USER:PASSWORD");
    }
    options.username = f.creds.substr(0, colon);
    options.password = f.creds.substr(colon + 1);
  }
  auto creds = image::registry_credentials(*ref, options);
  if (!creds) return creds.error();
  Target t{*ref, std::make_unique<http::RegistryClient>(
                     http::RegistryEndpoint{ref->api_host(), ref->repository, creds->username,
                                            creds->password, f.tls_verify, actions, f.image})};
  return t;
}

Result<sign::Algorithm> algorithm_for(const SignFlags& f, sign::KeyType type) {
  if (f.algorithm.empty()) return sign::default_algorithm(type);
  auto a = sign::parse_algorithm(f.algorithm);
  if (!a) return a.error();
  PORTCULLIS_TRY(sign::check_fits(type, *a));
  return *a;
}

// The identity a signature names: registry/repository[:tag], as skopeo writes it.
std::string identity_of(const oci::Reference& ref) {
  return ref.registry + "/" + ref.repository + (ref.tag.empty() ? "" : ":" + ref.tag);
}

bool is_local(const std::string& image) {
  return image.starts_with("oci:") || image.starts_with("oci-archive:") ||
         image.starts_with("docker-archive:");
}

// The manifest digest and the identity a detached (file) signature binds.
Result<std::pair<std::string, std::string>> digest_and_identity(const SignFlags& f, bool signing) {
  if (is_local(f.image)) {
    if (signing && f.identity.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        "--identity REGISTRY/REPO[:TAG] is required for a local image: it names "
                        "the image the signature vouches for");
    }
    auto source = image::open_source(f.image, {});
    if (!source) return source.error();
    auto img =
        (*source)->read([](const image::LayerBlob&) { return false; },
                        [](const image::LayerBlob&, image::ByteStream&) -> Status { return Ok{}; });
    if (!img) return img.error();
    if (!img->manifest_digest) {
      return make_error(
          ErrorCode::kInvalidArgument,
          "{} has no manifest digest to sign (docker-archive); use oci: or a registry", f.image);
    }
    return std::pair(img->manifest_digest->str(), f.identity);
  }
  auto target = connect(f, "pull");
  if (!target) return target.error();
  auto digest = sign::resolve_digest(*target->client, target->ref);
  if (!digest) return digest.error();
  return std::pair(*digest, f.identity.empty() ? identity_of(target->ref) : f.identity);
}

// OpenPGP: the signed message to a file, as `skopeo standalone-sign` writes it.
int sign_pgp(const SignFlags& f, sign::SimpleSigning payload) {
  if (f.output.empty()) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--gpg-key needs --output FILE (OpenPGP signatures are files, as "
                             "skopeo standalone-sign writes them)"));
  }
  auto bound = digest_and_identity(f, true);
  if (!bound) return report(bound.error());
  payload.manifest_digest = bound->first;
  payload.docker_reference = bound->second;
  auto message = sign::pgp_sign(sign::make_payload(payload), f.gpg_key, f.gpg_home);
  if (!message) return report(message.error());
  if (auto s = write_file_atomic(f.output, *message, 0644); !s) return report(s.error());
  std::printf("signed %s@%s with OpenPGP key %s: %s\n", payload.docker_reference.c_str(),
              payload.manifest_digest.c_str(), f.gpg_key.c_str(), f.output.c_str());
  return kExitOk;
}

int verify_pgp(const SignFlags& f) {
  if (f.signature.empty()) {
    return report(make_error(ErrorCode::kInvalidArgument, "--gpg-key needs --signature FILE"));
  }
  auto message = read_file(f.signature);
  if (!message)
    return report(make_error(ErrorCode::kInvalidArgument, "{}", message.error().what()));
  auto bound = digest_and_identity(f, false);
  if (!bound) return report(bound.error());
  auto checked = sign::pgp_verify(*message, f.gpg_key, f.gpg_home);
  std::string why;
  if (!checked) {
    why = checked.error().message();
  } else if (auto payload = sign::parse_payload(checked->payload); !payload) {
    why = payload.error().message();
  } else if (payload->manifest_digest != bound->first) {
    why = fmt::format("wrong digest: it signs {}, the image is {}", payload->manifest_digest,
                      bound->first);
  } else if (!f.identity.empty() && payload->docker_reference != f.identity) {
    why = fmt::format("wrong identity: it names {}, --identity is {}", payload->docker_reference,
                      f.identity);
  } else {
    std::printf("verified %s@%s: OpenPGP signature by %s as %s\n", f.image.c_str(),
                bound->first.c_str(), checked->fingerprint.c_str(),
                payload->docker_reference.c_str());
    return kExitOk;
  }
  std::printf("NOT verified %s@%s: %s: %s\n", f.image.c_str(), bound->first.c_str(),
              f.signature.c_str(), why.c_str());
  return kExitPolicyFailed;
}

// --annotation KEY=VALUE... into the payload's optional.
Status add_annotations(const SignFlags& f, sign::SimpleSigning& payload) {
  for (const auto& a : f.annotations) {
    auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      return make_error(ErrorCode::kInvalidArgument, "--annotation {}: expected KEY=VALUE", a);
    }
    payload.optional[a.substr(0, eq)] = a.substr(eq + 1);
  }
  return Ok{};
}

// --key FILE, decrypted with $PORTCULLIS_KEY_PASSWORD when it is encrypted.
Result<sign::PrivateKey> load_private_key(const SignFlags& f) {
  if (f.key.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "give --key FILE or --gpg-key FINGERPRINT");
  }
  auto text = read_file(f.key);
  if (!text) return make_error(ErrorCode::kInvalidArgument, "{}", text.error().what());
  const char* password = std::getenv("PORTCULLIS_KEY_PASSWORD");
  return sign::PrivateKey::from_pem(*text, password != nullptr ? password : "", f.key);
}

int sign_image(const SignFlags& f) {
  if (!f.gpg_key.empty()) {
    sign::SimpleSigning payload;
    payload.type = std::string(f.type == "binauthz" ? sign::kBinauthzType : sign::kAtomicType);
    if (auto s = add_annotations(f, payload); !s) return report(s.error());
    return sign_pgp(f, std::move(payload));
  }
  auto key = load_private_key(f);
  if (!key) return report(key.error());
  auto algorithm = algorithm_for(f, key->type());
  if (!algorithm) return report(algorithm.error());
  sign::SimpleSigning payload;
  if (f.type == "cosign") {
    payload.type = std::string(sign::kCosignType);
  } else if (f.type == "atomic") {
    payload.type = std::string(sign::kAtomicType);
  } else if (f.type == "binauthz") {
    payload.type = std::string(sign::kBinauthzType);
  } else {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--type {}: use cosign, atomic or binauthz", f.type));
  }
  if (auto s = add_annotations(f, payload); !s) return report(s.error());
  auto target = connect(f, "pull,push");
  if (!target) return report(target.error());
  auto digest = sign::resolve_digest(*target->client, target->ref);
  if (!digest) return report(digest.error());
  payload.manifest_digest = *digest;
  payload.docker_reference = identity_of(target->ref);
  std::string body = sign::make_payload(payload);
  auto signature = key->sign(body, *algorithm);
  if (!signature) return report(signature.error());
  auto pushed = sign::push_signature(*target->client, *digest, body, *signature);
  if (!pushed) return report(pushed.error());
  std::printf("signed %s@%s with %s (%s); stored as %s:%s\n", payload.docker_reference.c_str(),
              digest->c_str(), key->public_key().id().c_str(),
              std::string(sign::algorithm_name(*algorithm)).c_str(),
              (target->ref.registry + "/" + target->ref.repository).c_str(),
              sign::signature_tag(*digest).c_str());
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
  auto key = load_private_key(f);
  if (!key) return report(key.error());
  auto algorithm = algorithm_for(f, key->type());
  if (!algorithm) return report(algorithm.error());
  auto target = connect(f, "pull,push");
  if (!target) return report(target.error());
  auto digest = sign::resolve_digest(*target->client, target->ref);
  if (!digest) return report(digest.error());
  std::string subject = target->ref.registry + "/" + target->ref.repository;
  auto statement = sign::make_statement(subject, *digest, *type, *predicate);
  auto envelope = sign::make_envelope(sign::kInTotoPayloadType, statement, *key, *algorithm);
  if (!envelope) return report(envelope.error());
  if (auto s = sign::push_attestation(*target->client, *digest, *envelope, *type); !s) {
    return report(s.error());
  }
  std::printf("attested %s@%s: %s, signed by %s (%s)\n", subject.c_str(), digest->c_str(),
              type->c_str(), key->public_key().id().c_str(),
              std::string(sign::algorithm_name(*algorithm)).c_str());
  return kExitOk;
}

// Passes when an attestation of the type, signed by the key, has this image as its subject.
int verify_attestations(const SignFlags& f, const sign::PublicKey& key, sign::Algorithm algorithm,
                        Target& target, const std::string& digest) {
  auto type = sign::predicate_type_uri(f.attestation_type);
  if (!type) return report(type.error());
  auto stored = sign::fetch_attestations(*target.client, digest);
  if (!stored) return report(stored.error());
  std::vector<std::string> rejected;
  for (const auto& a : *stored) {
    std::string name = "attestation " + a.layer_digest.substr(0, 19);
    auto opened = sign::open_envelope(a.envelope, key, algorithm);
    if (!opened) {
      rejected.push_back(name + ": " + opened.error().message());
      continue;
    }
    auto statement = sign::parse_statement(opened->payload);
    if (!statement) {
      rejected.push_back(name + ": " + statement.error().message());
      continue;
    }
    if (statement->predicate_type != *type) {
      rejected.push_back(
          fmt::format("{}: predicate type {}, not {}", name, statement->predicate_type, *type));
      continue;
    }
    if (statement->subject_digest != digest) {
      rejected.push_back(fmt::format("{}: wrong digest: its subject is {}, the image is {}", name,
                                     statement->subject_digest, digest));
      continue;
    }
    std::printf("verified %s@%s: %s attestation signed by %s\n", f.image.c_str(), digest.c_str(),
                type->c_str(), key.id().c_str());
    return kExitOk;
  }
  std::printf("NOT verified %s@%s: no %s attestation by %s among %zu\n", f.image.c_str(),
              digest.c_str(), type->c_str(), key.id().c_str(), stored->size());
  for (const auto& r : rejected) std::printf("  %s\n", r.c_str());
  return kExitPolicyFailed;
}

int verify_image(const SignFlags& f) {
  if (!f.gpg_key.empty()) return verify_pgp(f);
  if (f.key.empty()) {
    return report(
        make_error(ErrorCode::kInvalidArgument, "give --key FILE or --gpg-key FINGERPRINT"));
  }
  auto text = read_file(f.key);
  if (!text) return report(make_error(ErrorCode::kInvalidArgument, "{}", text.error().what()));
  auto key = sign::PublicKey::from_pem(*text, f.key);
  if (!key) return report(key.error());
  auto algorithm = algorithm_for(f, key->type());
  if (!algorithm) return report(algorithm.error());
  auto target = connect(f, "pull");
  if (!target) return report(target.error());
  auto digest = sign::resolve_digest(*target->client, target->ref);
  if (!digest) return report(digest.error());
  if (!f.attestation_type.empty())
    return verify_attestations(f, *key, *algorithm, *target, *digest);
  auto signatures = sign::fetch_signatures(*target->client, *digest);
  if (!signatures) return report(signatures.error());
  std::vector<std::string> rejected;
  for (const auto& s : *signatures) {
    std::string name = "signature " + s.layer_digest.substr(0, 19);
    if (auto ok = key->verify(s.payload, s.signature, *algorithm); !ok) {
      rejected.push_back(name + ": " + ok.error().message());
      continue;
    }
    auto payload = sign::parse_payload(s.payload);
    if (!payload) {
      rejected.push_back(name + ": " + payload.error().message());
      continue;
    }
    if (payload->manifest_digest != *digest) {
      rejected.push_back(fmt::format("{}: wrong digest: it signs {}, the image is {}", name,
                                     payload->manifest_digest, *digest));
      continue;
    }
    if (!f.identity.empty() && payload->docker_reference != f.identity) {
      rejected.push_back(fmt::format("{}: wrong identity: it names {}, --identity is {}", name,
                                     payload->docker_reference, f.identity));
      continue;
    }
    std::printf("verified %s@%s: signed by %s (%s) as %s\n", f.image.c_str(), digest->c_str(),
                key->id().c_str(), std::string(sign::algorithm_name(*algorithm)).c_str(),
                payload->docker_reference.c_str());
    return kExitOk;
  }
  std::printf("NOT verified %s@%s with %s: %zu signature(s)\n", f.image.c_str(), digest->c_str(),
              key->id().c_str(), signatures->size());
  for (const auto& r : rejected) std::printf("  %s\n", r.c_str());
  if (signatures->empty())
    std::printf("  no signatures under %s\n", sign::signature_tag(*digest).c_str());
  return kExitPolicyFailed;
}

void add_common(CLI::App* cmd, SignFlags& f) {
  cmd->add_option("image", f.image,
                  "docker://REF or REF in a registry; with --gpg-key also oci:DIR[:REF] or "
                  "oci-archive:FILE[:REF]")
      ->required();
  cmd->add_option("--gpg-key", f.gpg_key, "OpenPGP key fingerprint (GPGME) instead of --key");
  cmd->add_option("--gpg-home", f.gpg_home, "GnuPG home directory (default: GnuPG's own)");
  cmd->add_option("--identity", f.identity,
                  "verify: require this docker-reference; sign: the identity to bind (required "
                  "for local images)");
  cmd->add_option("--algorithm", f.algorithm,
                  "Binary Authorization algorithm name (default: the key type's: "
                  "ECDSA_P256_SHA256, RSA_PSS_*_SHA256, ED25519)");
  cmd->add_option("--creds", f.creds, "USER:PASSWORD (default: docker/containers auth files)");
  cmd->add_option("--tls-verify", f.tls_verify, "Verify TLS (default true)");
}

}  // namespace

void register_sign(CLI::App& app, Runner& run) {
  auto s = std::make_shared<SignFlags>();
  auto* sign_cmd = app.add_subcommand("sign", "Sign an image in a registry (cosign tag layout)");
  add_common(sign_cmd, *s);
  sign_cmd->add_option("--key", s->key, "PEM private key (PORTCULLIS_KEY_PASSWORD decrypts it)");
  sign_cmd->add_option("--output", s->output, "--gpg-key: write the signature file here");
  sign_cmd->add_option("--type", s->type,
                       "Payload type: cosign (default; atomic with --gpg-key), atomic "
                       "(containers/image), binauthz");
  sign_cmd->add_option("--annotation", s->annotations, "KEY=VALUE in the payload's optional")
      ->allow_extra_args(false);
  sign_cmd->callback([s, &run] { run = [s] { return sign_image(*s); }; });

  auto a = std::make_shared<SignFlags>();
  auto* attest_cmd = app.add_subcommand(
      "attest", "Attach a signed in-toto attestation (DSSE) to an image in a registry");
  add_common(attest_cmd, *a);
  attest_cmd->add_option("--key", a->key, "PEM private key")->required();
  attest_cmd->add_option("--predicate", a->predicate, "Predicate JSON file")->required();
  attest_cmd
      ->add_option("--type", a->attestation_type,
                   "Predicate type: slsaprovenance, cyclonedx, vuln, verdict or a URI")
      ->required();
  attest_cmd->callback([a, &run] { run = [a] { return attest_image(*a); }; });

  auto v = std::make_shared<SignFlags>();
  auto* verify_cmd = app.add_subcommand(
      "verify", "Verify an image's signatures: exit 0 verified, 1 not verified, 2 usage, 3 error");
  add_common(verify_cmd, *v);
  verify_cmd->add_option("--key", v->key, "PEM public key");
  verify_cmd->add_option("--attestation-type", v->attestation_type,
                         "Verify attestations of this predicate type instead of signatures");
  verify_cmd->add_option("--signature", v->signature,
                         "--gpg-key: the signature file (skopeo standalone-sign's)");
  verify_cmd->callback([v, &run] { run = [v] { return verify_image(*v); }; });
}

}  // namespace portcullis::cli
