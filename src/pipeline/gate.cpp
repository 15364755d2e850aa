// Repository rules enforced on pushes and deletes: immutable tags, attestation-gated
// repositories; and retention.
#include <fmt/ranges.h>

#include "base/log.hpp"
#include "pipeline/pipeline.hpp"
#include "sign/attestor.hpp"
#include "sign/storage.hpp"
#include "sign/verify.hpp"

namespace portcullis::pipeline {

std::vector<std::string> Pipeline::missing_attestations(std::string_view repository,
                                                        std::string_view digest,
                                                        const std::vector<std::string>& names) {
  // An attestation binds a digest, not a repository: those stored with the same manifest in any
  // repository of this registry count (the target's first: promotion copies them after).
  std::vector<std::string> holders = {std::string(repository)};
  if (auto others = local_.metadata.repositories_with_manifest(digest)) {
    for (auto& r : *others) {
      if (r != repository) holders.push_back(std::move(r));
    }
  }
  std::vector<sign::StoredSignature> candidates;
  for (const auto& r : holders) {
    auto store = local_artifact_store(local_, r, "");
    auto found = sign::fetch_signatures(*store, digest);
    if (!found) continue;
    candidates.insert(candidates.end(), found->begin(), found->end());
  }
  std::vector<std::string> missing;
  for (const auto& name : names) {
    auto document = local_.metadata.get_attestor(name);
    if (!document || !*document) {
      missing.push_back(name + " (no such attestor on this registry)");
      continue;
    }
    auto attestor = sign::attestor_from_json(nlohmann::json::parse(**document, nullptr, false),
                                             "stored attestor " + name);
    if (!attestor) {
      missing.push_back(name + " (" + attestor.error().message() + ")");
      continue;
    }
    auto v = sign::check_signatures(candidates, attestor->keys, digest, "");
    if (!v.verified) missing.push_back(name);
  }
  return missing;
}

std::optional<std::string> Pipeline::check_push(const registry::ManifestPush& push) {
  const RepositoryRule* rule = options_.config.rule_for(push.repository);
  if (rule == nullptr) return std::nullopt;
  auto artifact_subject = push.tag ? registry::artifact_tag_subject(*push.tag) : std::nullopt;
  if (push.manifest.subject) artifact_subject = push.manifest.subject->digest.str();
  if (rule->immutable_tags && push.tag && !artifact_subject) {
    auto current = local_.metadata.resolve_tag(push.repository, *push.tag);
    if (current && *current && **current != push.digest) {
      return fmt::format("tag {} of {} is immutable (repository rule {}): it names {}", *push.tag,
                         push.repository, rule->pattern, **current);
    }
  }
  if (rule->require_attestations_by.empty()) return std::nullopt;
  if (artifact_subject) {
    // Signatures, attestations and other referrers are accepted for an image already here (it
    // passed this check when it came in).
    auto present = local_.metadata.get_manifest(push.repository, *artifact_subject);
    if (present && *present) return std::nullopt;
    return fmt::format("{} is a referrer of {}, which is not in {}: push the attested image first",
                       push.digest, *artifact_subject, push.repository);
  }
  auto missing = missing_attestations(push.repository, push.digest, rule->require_attestations_by);
  if (missing.empty()) return std::nullopt;
  if (!push.tag) {
    // A platform manifest, pushed by digest before its index (skopeo, podman): accepted when an
    // index that lists it is attested.
    auto parents = local_.metadata.manifest_parents(push.digest);
    if (parents) {
      for (const auto& parent : *parents) {
        if (missing_attestations(push.repository, parent, rule->require_attestations_by).empty()) {
          return std::nullopt;
        }
      }
    }
  }
  return fmt::format(
      "{}@{} has no verifying attestation by {} (repository rule {} requires attestations by {})",
      push.repository, push.digest, fmt::join(missing, ", "), rule->pattern,
      fmt::join(rule->require_attestations_by, ", "));
}

std::optional<std::string> Pipeline::check_delete(std::string_view repository,
                                                  std::string_view reference) {
  const RepositoryRule* rule = options_.config.rule_for(repository);
  if (rule == nullptr || !rule->immutable_tags) return std::nullopt;
  bool by_digest = reference.find(':') != std::string_view::npos;
  if (!by_digest) {
    if (registry::artifact_tag_subject(reference)) return std::nullopt;
    return fmt::format("tag {} of {} is immutable (repository rule {})", reference, repository,
                       rule->pattern);
  }
  auto tags = local_.metadata.tag_times(repository);
  if (tags) {
    for (const auto& t : *tags) {
      if (t.digest == reference && !registry::artifact_tag_subject(t.tag)) {
        return fmt::format("{}@{} is tagged {} and tags of {} are immutable (repository rule {})",
                           repository, reference, t.tag, repository, rule->pattern);
      }
    }
  }
  return std::nullopt;
}

int Pipeline::apply_retention() {
  int deleted = 0;
  auto repositories = local_.metadata.list_repositories("", -1);
  if (!repositories) return 0;
  int64_t now = unix_time();
  for (const auto& repository : *repositories) {
    const RepositoryRule* rule = options_.config.rule_for(repository);
    if (rule == nullptr || (!rule->keep_tags && !rule->untagged_days)) continue;
    auto removed = [&](const std::string& digest, const std::string& tag, const std::string& why) {
      ++deleted;
      log::info("retention", {{"repository", repository}, {"tag", tag}, {"digest", digest}});
      record(Event{0, 0, "delete", "portcullis", repository, digest, tag, rule->pattern,
                   "retention", why, "", nlohmann::json::object()});
    };
    if (rule->keep_tags) {
      auto tags = local_.metadata.tag_times(repository);
      if (!tags) continue;
      int kept = 0;
      for (const auto& t : *tags) {
        if (registry::artifact_tag_subject(t.tag)) continue;
        if (++kept <= *rule->keep_tags) continue;
        if (auto gone = local_.metadata.delete_tag(repository, t.tag); gone && *gone) {
          removed(t.digest, t.tag, fmt::format("keep_tags {}", *rule->keep_tags));
        }
      }
    }
    if (rule->untagged_days) {
      auto old = local_.metadata.untagged_manifests(repository,
                                                    now - int64_t{*rule->untagged_days} * 86400);
      if (!old) continue;
      for (const auto& digest : *old) {
        if (auto gone = local_.metadata.delete_manifest(repository, digest); gone && *gone) {
          removed(digest, "", fmt::format("untagged_days {}", *rule->untagged_days));
        }
      }
    }
  }
  return deleted;
}

}  // namespace portcullis::pipeline
