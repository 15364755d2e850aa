// The Voucher check suite (grafeas/voucher) over portcullis's scanner, policy gate and signer:
// named checks run against one image digest, and every check that passes is attested with that
// check's own key (one attestor per check), as a Binary Authorization attestation — a
// simple-signing payload ("Google cloud binauthz container signature") signed by the key and
// stored in the image's repository (cosign .sig tag and OCI referrer), which `portcullis verify
// --attestor CHECK` and admission's requireAttestationsBy accept.
#pragma once

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "policy/policy.hpp"
#include "sign/attestor.hpp"
#include "sign/keys.hpp"

namespace portcullis::pipeline {

// The checks, in the order they run.
const std::vector<std::string>&
voucher_check_names();  // snakeoil nobody diy provenance approved policy

struct CheckKey {
  std::filesystem::path path;  // PKCS#8 PEM (PORTCULLIS_KEY_PASSWORD decrypts it)
  std::string algorithm;       // BA name; default: the key type's
};

// The configuration file (YAML), Voucher's keys where Voucher has them.
struct VoucherConfig {
  std::vector<std::string> checks;                     // which checks run
  bool dryrun = false;                                 // run the checks, attest nothing
  policy::Severity failon = policy::Severity::kHigh;   // snakeoil
  std::optional<std::filesystem::path> db;             // snakeoil/policy DB (default: db's default)
  std::vector<std::string> valid_repos;                // diy: registry/repository prefixes
  std::vector<std::string> trusted_builder_attestors;  // provenance
  std::vector<std::string> trusted_source_repos;       // provenance: source URI prefixes
  std::vector<std::string> approved_attestors;         // approved: each must have attested
  std::optional<std::filesystem::path> policy;         // policy: default the built-in one
  std::optional<std::filesystem::path> attestors;      // definitions; else the registry's API
  std::map<std::string, CheckKey> keys;                // check -> signing key
  std::string platform = "linux/amd64";                // for image indexes
  std::optional<std::filesystem::path> cache_dir;      // layer analysis cache
};

// Errors name the file and the field; relative paths are taken from the file's directory.
Result<VoucherConfig> load_voucher_config(const std::filesystem::path& path);

struct CheckResult {
  std::string name;
  bool success = false;
  bool attested = false;
  std::string err;                   // why it failed, or why it was not attested
  std::vector<std::string> details;  // what was seen, one line each
};

struct VouchResult {
  std::string image;  // REGISTRY/REPO@DIGEST
  bool success = false;
  std::vector<CheckResult> results;
};

struct VouchRequest {
  std::string image_url;        // a registry reference
  bool require_digest = false;  // the server's rule: a tag alone is refused
  std::string username;         // registry credentials (pull, and push for attestations)
  std::string password;
  bool tls_verify = true;
};

// Runs the configured checks. Errors only for what stops every check (bad reference, image
// unreachable); a check that cannot run fails with its err.
Result<VouchResult> vouch(const VoucherConfig& config, const VouchRequest& request);

// Voucher's response: {"image","success","results":[{"name","success","attested","err"}]}.
nlohmann::json vouch_json(const VouchResult& result);

}  // namespace portcullis::pipeline
