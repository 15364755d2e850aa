// What `sign`, `attest`, `verify` and `scan --attest` share: the image (a registry reference,
// or a local oci:/oci-archive: image whose signatures live in an OCI layout directory), the
// store its signatures go to, and keys from files.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "http/registry_client.hpp"
#include "oci/reference.hpp"
#include "sign/artifact_store.hpp"
#include "sign/keys.hpp"
#include "sign/payload.hpp"
#include "sign/storage.hpp"

namespace portcullis::cli {

struct SignFlags {
  std::string image;
  std::string key;
  std::string algorithm;
  std::string type = "cosign";
  std::vector<std::string> annotations;
  std::string identity;
  std::string gpg_key;                 // fingerprint: OpenPGP instead of --key
  std::string gpg_home;                // GnuPG home directory (default: GnuPG's)
  std::string output;                  // sign/attest: a file (OpenPGP) or an OCI layout directory
  std::string signatures;              // verify: a signature file, or the OCI layout directory
  std::string predicate;               // attest: the predicate JSON file
  std::string attestation_type;        // attest: predicate type; verify: check attestations of it
  std::vector<std::string> attestors;  // verify --attestor NAME...
  std::string attestors_file;          // verify --attestors FILE (else the registry's API)
  std::string creds;
  bool tls_verify = true;
};

bool is_local_image(const std::string& image);
// The manifest a local image names (the platform's manifest for an index).
Result<sign::Subject> local_subject(const std::string& image);

struct Target {
  oci::Reference ref;                            // registry images
  std::unique_ptr<http::RegistryClient> client;  // registry images
  std::unique_ptr<sign::ArtifactStore> store;    // where signatures are kept
  sign::Subject subject;
  std::string name;      // registry/repository (the statement subject's name)
  std::string identity;  // the docker-reference a signature binds
};

// Registry images: a client with `actions` and the repository as the store. Local images: the
// OCI layout at `layout_dir` (created when `create`), the identity from --identity.
Result<Target> open_target(const SignFlags& f, const char* actions, const std::string& layout_dir,
                           bool create);
// A client for the registry itself (the attestor API), with the same credentials.
Result<std::unique_ptr<http::RegistryClient>> server_client(const std::string& host,
                                                            const std::string& creds,
                                                            bool tls_verify);

Result<sign::Algorithm> algorithm_for(const SignFlags& f, sign::KeyType type);
// --key FILE, decrypted with $PORTCULLIS_KEY_PASSWORD when it is encrypted.
Result<sign::PrivateKey> load_private_key(const std::string& path);
// --annotation KEY=VALUE... into the payload's optional.
Status add_annotations(const SignFlags& f, sign::SimpleSigning& payload);
// The flags every signing command has (image, identity, algorithm, credentials, GnuPG).
void add_sign_common(CLI::App* cmd, SignFlags& f);

}  // namespace portcullis::cli
