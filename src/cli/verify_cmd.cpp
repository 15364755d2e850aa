// portcullis verify: passes only when a signature (or an attestation of the asked type) by every
// required key or attestor binds this exact manifest digest, and, with --identity, this
// reference. Exit 0 verified, 1 not verified (each candidate listed with why it was rejected),
// 2 usage, 3 processing error.
#include <cstdio>
#include <filesystem>

#include "base/file.hpp"
#include "cli/commands.hpp"
#include "cli/sign_target.hpp"
#include "sign/attestor_client.hpp"
#include "sign/dsse.hpp"
#include "sign/pgp.hpp"
#include "sign/verify.hpp"

namespace portcullis::cli {
namespace {

// The image's digest and the identity to check, for a detached (file) signature.
Result<std::pair<std::string, std::string>> digest_and_identity(const SignFlags& f) {
  if (is_local_image(f.image)) {
    auto subject = local_subject(f.image);
    if (!subject) return subject.error();
    return std::pair(subject->digest, f.identity);
  }
  auto target = open_target(f, "pull", "", false);
  if (!target) return target.error();
  return std::pair(target->subject.digest, f.identity);
}

int verify_pgp(const SignFlags& f) {
  if (f.signatures.empty()) {
    return report(make_error(ErrorCode::kInvalidArgument, "--gpg-key needs --signature FILE"));
  }
  auto message = read_file(f.signatures);
  if (!message)
    return report(make_error(ErrorCode::kInvalidArgument, "{}", message.error().what()));
  auto bound = digest_and_identity(f);
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
              f.signatures.c_str(), why.c_str());
  return kExitPolicyFailed;
}

// Whose signatures count: the --key, or each --attestor (every one must verify).
struct Requirement {
  std::string name;  // "key ni:///…" or "attestor NAME"
  std::vector<sign::AttestorKey> keys;
};

Result<std::vector<Requirement>> requirements(const SignFlags& f) {
  std::vector<Requirement> out;
  if (!f.key.empty()) {
    auto key = sign::key_from_pem_file(f.key, f.algorithm);
    if (!key) return key.error();
    out.push_back({"key " + key->id, {std::move(*key)}});
    return out;
  }
  if (f.attestors.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "give --key FILE, --attestor NAME or --gpg-key FINGERPRINT");
  }
  std::vector<sign::Attestor> known;
  std::unique_ptr<http::RegistryClient> api;
  if (!f.attestors_file.empty()) {
    auto text = read_file(f.attestors_file);
    if (!text) return make_error(ErrorCode::kInvalidArgument, "{}", text.error().what());
    auto parsed = sign::parse_attestors(*text, f.attestors_file);
    if (!parsed) return parsed.error();
    known = std::move(*parsed);
  } else if (is_local_image(f.image)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--attestor with a local image needs --attestors FILE");
  } else {
    std::string text = f.image.starts_with("docker://") ? f.image.substr(9) : f.image;
    auto ref = oci::parse_reference(text);
    if (!ref) return ref.error();
    auto client = server_client(ref->registry, f.creds, f.tls_verify);
    if (!client) return client.error();
    api = std::move(*client);
  }
  for (const auto& name : f.attestors) {
    std::optional<sign::Attestor> found;
    for (const auto& a : known) {
      if (a.short_name() == name || a.name == name) found = a;
    }
    if (!found && api) {
      auto fetched = sign::get_attestor(*api, name);
      if (!fetched) return fetched.error();
      found = std::move(*fetched);
    }
    if (!found) {
      return make_error(ErrorCode::kInvalidArgument, "{}: no attestor named {}", f.attestors_file,
                        name);
    }
    if (found->keys.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "attestor {} has no public keys", name);
    }
    out.push_back({"attestor " + found->short_name(), std::move(found->keys)});
  }
  return out;
}

int verify_image(const SignFlags& f) {
  if (!f.gpg_key.empty()) return verify_pgp(f);
  auto required = requirements(f);
  if (!required) return report(required.error());
  std::string type;
  if (!f.attestation_type.empty()) {
    auto uri = sign::predicate_type_uri(f.attestation_type);
    if (!uri) return report(uri.error());
    type = *uri;
  }
  // OpenPGP attestor keys with a detached signature file (skopeo standalone-sign's form).
  std::error_code ec;
  bool from_file = !f.signatures.empty() && std::filesystem::is_regular_file(f.signatures, ec);
  std::string digest;
  std::vector<sign::StoredSignature> signatures;
  std::vector<sign::StoredAttestation> attestations;
  if (from_file) {
    auto message = read_file(f.signatures);
    if (!message)
      return report(make_error(ErrorCode::kInvalidArgument, "{}", message.error().what()));
    auto bound = digest_and_identity(f);
    if (!bound) return report(bound.error());
    digest = bound->first;
    signatures.push_back({"", std::move(*message), f.signatures});
  } else {
    auto target = open_target(f, "pull", f.signatures, false);
    if (!target) return report(target.error());
    digest = target->subject.digest;
    if (type.empty()) {
      auto s = sign::fetch_signatures(*target->store, digest);
      if (!s) return report(s.error());
      signatures = std::move(*s);
    } else {
      auto a = sign::fetch_attestations(*target->store, digest);
      if (!a) return report(a.error());
      attestations = std::move(*a);
    }
  }
  bool all = true;
  for (const auto& r : *required) {
    auto v = type.empty() ? sign::check_signatures(signatures, r.keys, digest, f.identity)
                          : sign::check_attestations(attestations, r.keys, digest, type);
    if (v.verified) {
      std::printf("verified %s@%s by %s: %s\n", f.image.c_str(), digest.c_str(), r.name.c_str(),
                  v.accepted.c_str());
      continue;
    }
    all = false;
    std::printf("NOT verified %s@%s by %s: %zu %s\n", f.image.c_str(), digest.c_str(),
                r.name.c_str(), v.candidates,
                type.empty() ? "signature(s)" : (type + " attestation candidate(s)").c_str());
    for (const auto& reason : v.rejected) std::printf("  %s\n", reason.c_str());
    if (v.candidates == 0) {
      std::printf("  no %s under %s or among its referrers\n",
                  type.empty() ? "signatures" : "attestations",
                  type.empty() ? sign::signature_tag(digest).c_str() : "the .att tag");
    }
  }
  return all ? kExitOk : kExitPolicyFailed;
}

}  // namespace

void register_verify(CLI::App& app, Runner& run) {
  auto v = std::make_shared<SignFlags>();
  auto* cmd = app.add_subcommand(
      "verify", "Verify an image's signatures: exit 0 verified, 1 not verified, 2 usage, 3 error");
  add_sign_common(cmd, *v);
  cmd->add_option("--key", v->key, "PEM public key");
  cmd->add_option("--attestor", v->attestors,
                  "Attestor name (repeatable; every one must verify), from --attestors FILE or "
                  "the registry's attestor API")
      ->allow_extra_args(false);
  cmd->add_option("--attestors", v->attestors_file,
                  "YAML/JSON file of attestors (Binary Authorization's resource shape)");
  cmd->add_option("--attestation-type", v->attestation_type,
                  "Verify attestations of this predicate type instead of signatures");
  cmd->add_option("--signature,--signatures", v->signatures,
                  "A signature file (skopeo standalone-sign's), or for a local image the OCI "
                  "layout directory holding its signatures");
  cmd->callback([v, &run] { run = [v] { return verify_image(*v); }; });
}

}  // namespace portcullis::cli
