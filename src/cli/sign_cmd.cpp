// portcullis sign | verify: simple-signing signatures in the cosign tag layout of a registry,
// which cosign, skopeo and podman (sigstoreSigned policies) read and write.
#include <cstdio>
#include <cstdlib>

#include "base/file.hpp"
#include "cli/commands.hpp"
#include "http/registry_client.hpp"
#include "image/image.hpp"
#include "sign/keys.hpp"
#include "sign/payload.hpp"
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

int sign_image(const SignFlags& f) {
  auto text = read_file(f.key);
  if (!text) return report(make_error(ErrorCode::kInvalidArgument, "{}", text.error().what()));
  const char* password = std::getenv("PORTCULLIS_KEY_PASSWORD");
  auto key = sign::PrivateKey::from_pem(*text, password != nullptr ? password : "", f.key);
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
  for (const auto& a : f.annotations) {
    auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      return report(
          make_error(ErrorCode::kInvalidArgument, "--annotation {}: expected KEY=VALUE", a));
    }
    payload.optional[a.substr(0, eq)] = a.substr(eq + 1);
  }
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

int verify_image(const SignFlags& f) {
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
  cmd->add_option("image", f.image, "docker://REF or REF in a registry")->required();
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
  sign_cmd->add_option("--key", s->key, "PEM private key (PORTCULLIS_KEY_PASSWORD decrypts it)")
      ->required();
  sign_cmd->add_option("--type", s->type,
                       "Payload type: cosign (default), atomic (containers/image), binauthz");
  sign_cmd->add_option("--annotation", s->annotations, "KEY=VALUE in the payload's optional")
      ->allow_extra_args(false);
  sign_cmd->callback([s, &run] { run = [s] { return sign_image(*s); }; });

  auto v = std::make_shared<SignFlags>();
  auto* verify_cmd = app.add_subcommand(
      "verify", "Verify an image's signatures: exit 0 verified, 1 not verified, 2 usage, 3 error");
  add_common(verify_cmd, *v);
  verify_cmd->add_option("--key", v->key, "PEM public key")->required();
  verify_cmd->add_option("--identity", v->identity,
                         "Require this docker-reference in the payload (registry/repo[:tag])");
  verify_cmd->callback([v, &run] { run = [v] { return verify_image(*v); }; });
}

}  // namespace portcullis::cli
