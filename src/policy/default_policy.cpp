// The built-in policy: what `portcullis scan` applies when no --policy is given.
#include "policy/policy.hpp"

namespace portcullis::policy {

std::string_view default_policy_yaml() {
  return R"(# portcullis built-in policy (docs/policy.md)
name: portcullis-default
version: "1"
rules:
  - name: no-fixable-critical-or-high
    description: Vulnerabilities rated HIGH or CRITICAL that have a fix
    action: stop
    vulnerabilities: {severity: HIGH, fixable: true}
  - name: no-known-exploited
    description: Vulnerabilities in CISA's Known Exploited Vulnerabilities catalogue
    action: stop
    vulnerabilities: {known_exploited: true}
  - name: unfixable-critical
    description: CRITICAL vulnerabilities without a fix yet
    action: warn
    vulnerabilities: {severity: CRITICAL, fixable: false}
  - name: no-secrets-in-config
    description: Credentials in Env, Labels or build history
    action: stop
    config_secrets: true
  - name: no-secrets-in-files
    description: Credentials in files, including files a later layer deleted
    action: stop
    secrets: {include_removed: true}
  - name: not-root
    description: The image runs as root (User empty, 0, root, 0:0)
    action: stop
    runs_as_root: true
  - name: no-package-managers
    description: Package managers left in the final image
    action: warn
    package_managers: true
  - name: setuid-files
    description: setuid/setgid files in the final image
    action: warn
    setuid_files: true
  - name: image-age
    description: Images built more than a year ago
    action: warn
    max_image_age_days: 365
  - name: source-label
    description: The OCI source label that ties an image to its repository
    action: warn
    required_labels: [org.opencontainers.image.source]
  - name: db-freshness
    description: A vulnerability DB older than a week misses new advisories
    action: stop
    db_max_age_days: 7
)";
}

const Policy& default_policy() {
  static const Policy kPolicy = [] {
    auto p = parse_policy(default_policy_yaml(), "built-in policy");
    return p ? *p : Policy{};
  }();
  return kPolicy;
}

}  // namespace portcullis::policy
