// Opening the image a signing command works on.
#include "cli/sign_target.hpp"

#include <cstdlib>

#include "base/file.hpp"
#include "image/image.hpp"

namespace portcullis::cli {
namespace {

Result<std::pair<std::string, std::string>> split_creds(const std::string& creds) {
  if (creds.empty()) return std::pair<std::string, std::string>();
  auto colon = creds.find(':');
  if (colon == std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument, "--creds must be USER:PASSWORD");
  }
  return std::pair(creds.substr(0, colon), creds.substr(colon + 1));
}

Result<Target> open_local(const SignFlags& f, const std::string& layout_dir, bool create) {
  if (layout_dir.empty()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{} is a local image: give the OCI layout directory for its signatures "
                      "({})",
                      f.image, create ? "--output DIR" : "--signatures DIR");
  }
  auto subject = local_subject(f.image);
  if (!subject) return subject.error();
  auto store = sign::layout_store(layout_dir, create);
  if (!store) return store.error();
  Target t;
  t.store = std::move(*store);
  t.subject = std::move(*subject);
  t.identity = f.identity;
  t.name = f.identity.substr(
      0, f.identity.rfind(':') > f.identity.rfind('/') ? f.identity.rfind(':') : std::string::npos);
  return t;
}

}  // namespace

Result<sign::Subject> local_subject(const std::string& image) {
  auto source = image::open_source(image, {});
  if (!source) return source.error();
  auto img =
      (*source)->read([](const image::LayerBlob&) { return false; },
                      [](const image::LayerBlob&, image::ByteStream&) -> Status { return Ok{}; });
  if (!img) return img.error();
  if (!img->manifest_digest) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{} has no manifest digest to sign (docker-archive); use oci: or a registry",
                      image);
  }
  return sign::Subject{img->manifest_digest->str(), img->manifest_media_type, img->manifest_size};
}

bool is_local_image(const std::string& image) {
  return image.starts_with("oci:") || image.starts_with("oci-archive:") ||
         image.starts_with("docker-archive:");
}

Result<Target> open_target(const SignFlags& f, const char* actions, const std::string& layout_dir,
                           bool create) {
  if (is_local_image(f.image)) return open_local(f, layout_dir, create);
  std::string text = f.image;
  if (text.starts_with("docker://")) text = text.substr(9);
  auto ref = oci::parse_reference(text);
  if (!ref) return ref.error();
  image::RegistryOptions options;
  options.tls_verify = f.tls_verify;
  auto creds = split_creds(f.creds);
  if (!creds) return creds.error();
  options.username = creds->first;
  options.password = creds->second;
  auto found = image::registry_credentials(*ref, options);
  if (!found) return found.error();
  Target t;
  t.ref = *ref;
  t.client = std::make_unique<http::RegistryClient>(
      http::RegistryEndpoint{ref->api_host(), ref->repository, found->username, found->password,
                             f.tls_verify, actions, f.image});
  auto subject = sign::resolve_subject(*t.client, t.ref);
  if (!subject) return subject.error();
  t.subject = std::move(*subject);
  t.store = sign::registry_store(*t.client);
  t.name = ref->registry + "/" + ref->repository;
  // The identity a signature names: registry/repository[:tag], as skopeo writes it.
  t.identity = f.identity.empty() ? t.name + (ref->tag.empty() ? "" : ":" + ref->tag) : f.identity;
  return t;
}

Result<std::unique_ptr<http::RegistryClient>> server_client(const std::string& host,
                                                            const std::string& creds,
                                                            bool tls_verify) {
  auto split = split_creds(creds);
  if (!split) return split.error();
  image::RegistryOptions options;
  options.tls_verify = tls_verify;
  options.username = split->first;
  options.password = split->second;
  auto ref = oci::parse_reference(host + "/x");
  if (!ref) return ref.error();
  auto found = image::registry_credentials(*ref, options);
  if (!found) return found.error();
  return std::make_unique<http::RegistryClient>(http::RegistryEndpoint{
      ref->api_host(), "", found->username, found->password, tls_verify, "pull", host});
}

Result<sign::Algorithm> algorithm_for(const SignFlags& f, sign::KeyType type) {
  if (f.algorithm.empty()) return sign::default_algorithm(type);
  auto a = sign::parse_algorithm(f.algorithm);
  if (!a) return a.error();
  PORTCULLIS_TRY(sign::check_fits(type, *a));
  return *a;
}

Result<sign::PrivateKey> load_private_key(const std::string& path) {
  if (path.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "give --key FILE or --gpg-key FINGERPRINT");
  }
  return sign::PrivateKey::from_file(path);
}

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

void add_sign_common(CLI::App* cmd, SignFlags& f) {
  cmd->add_option("image", f.image,
                  "docker://REF or REF in a registry; or a local oci:DIR[:REF] or "
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

}  // namespace portcullis::cli
