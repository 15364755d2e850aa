// The pipeline's part of the server configuration: repository rules, scanning, promotions,
// mirrors and outgoing webhooks (sections `repositories`, `scanning`, `promotions`, `mirrors`,
// `push_mirrors`, `webhooks` of the `serve --config` file).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "policy/policy.hpp"

namespace portcullis::pipeline {

// Patterns use admission's namePattern syntax ("stage/**", "verified/app", "stage/*").
struct RepositoryRule {
  std::string pattern;
  bool scan_on_push = false;
  bool immutable_tags = false;
  std::optional<int> keep_tags;      // retention: the newest N tags stay
  std::optional<int> untagged_days;  // retention: untagged manifests older than this go
  std::vector<std::string> require_attestations_by;
};

struct ScanningConfig {
  std::optional<std::filesystem::path> db;  // default: the CLI's default DB path
  int workers = 2;
  std::optional<std::filesystem::path> cache_dir;  // layer analysis cache; default DATA/cache
  bool layer_cache = true;                         // false: every scan reads every layer
  std::map<std::string, std::filesystem::path> policies;  // by name; "default" is built in
  std::string platform = "linux/amd64";                   // for indexes
  std::chrono::seconds db_check_interval{60};             // how often a new DB is looked for
};

// "counts by severity, fixable only, the scan policy by name, required attestations".
struct PromotionConditions {
  std::map<policy::Severity, int> max;    // at most N findings of that severity
  bool fixable_only = false;              // count only findings with a fix
  std::optional<std::string> policy;      // a scan policy (scanning.policies, or "default")
  std::vector<std::string> checks;        // Voucher checks to run; each must pass and attest
  std::vector<std::string> attestations;  // attestors that must already have attested
};

struct PromotionRule {
  std::string name;
  std::string from;  // "REPOSITORY-PATTERN:TAG-PATTERN", e.g. "stage/app:*"
  std::string to;    // "verified/app:{tag}"; also {repository}, {path} (repository after its
                     // first segment)
  PromotionConditions when;
};

struct Upstream {
  std::string registry;  // host[:port]
  std::string repository;
  std::string username;
  std::string password;
  bool tls_verify = true;
};

struct MirrorRule {
  std::string name;
  Upstream upstream;
  std::vector<std::string> tags;  // glob patterns (*, ?); empty: every tag
  std::string to;                 // local repository
  std::chrono::seconds interval{300};
};

struct PushMirrorRule {
  std::string name;
  std::string from;  // local repository pattern
  Upstream to;       // remote registry; repository = prefix, the local path after its first
                     // segment is appended ("verified/app" -> "<repository>/app")
};

struct WebhookTarget {
  std::string name;
  std::string url;
  std::string secret;               // HMAC-SHA256 key for X-Portcullis-Signature
  std::vector<std::string> events;  // empty: every event
  bool tls_verify = true;
};

struct PipelineConfig {
  std::vector<RepositoryRule> repositories;
  ScanningConfig scanning;
  std::vector<PromotionRule> promotions;
  std::vector<MirrorRule> mirrors;
  std::vector<PushMirrorRule> push_mirrors;
  std::vector<WebhookTarget> webhooks;
  std::optional<std::filesystem::path> vouch_config;  // for promotions' checks

  bool empty() const {
    return repositories.empty() && promotions.empty() && mirrors.empty() && push_mirrors.empty() &&
           webhooks.empty();
  }
  // The first rule matching the repository, or nullptr.
  const RepositoryRule* rule_for(std::string_view repository) const;
};

// The sections this module reads from the server's configuration file.
const std::vector<std::string>& pipeline_sections();
// Reads those sections; errors name the file and the field ("serve.yaml: promotions[0].to: …").
// Relative paths are taken from the file's directory.
Result<PipelineConfig> load_pipeline_config(const std::filesystem::path& path);
// The same from text; `name` names it in errors, `dir` resolves relative paths.
Result<PipelineConfig> parse_pipeline_config(std::string_view text, const std::string& name,
                                             const std::filesystem::path& dir);

// The event names webhooks subscribe to.
const std::vector<std::string>& event_names();

// "*" and "?" globs (tag filters).
bool glob_matches(std::string_view pattern, std::string_view text);

}  // namespace portcullis::pipeline
