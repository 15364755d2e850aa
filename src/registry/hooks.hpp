// What higher modules (the pipeline) attach to the registry: checks that may refuse a manifest
// push or a deletion with DENIED, and the events of what changed (for scans, webhooks, audit).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "oci/manifest.hpp"

namespace portcullis::registry {

struct ManifestPush {
  std::string_view repository;
  std::string_view digest;
  std::optional<std::string_view> tag;
  const oci::Manifest& manifest;
  std::string_view user;  // empty: anonymous or the server itself
};

struct RegistryEvent {
  std::string action;  // push, delete, login, login_failed
  std::string repository;
  std::string digest;  // of the manifest, when known
  std::string tag;
  std::string media_type;
  std::string user;
  std::string remote;     // the client's address; empty for the server's own changes
  bool artifact = false;  // a referrer, or a cosign/referrers-schema tag: not an image
};

// "sha256-<hex>" (the referrers tag schema) or "sha256-<hex>.sig|.att|.sbom" (cosign): the
// subject digest such a tag names, or nullopt for any other tag.
std::optional<std::string> artifact_tag_subject(std::string_view tag);

struct RegistryHooks {
  // A message when the push is refused (DENIED), nullopt to accept.
  std::function<std::optional<std::string>(const ManifestPush&)> check_push;
  // `reference` is a tag or a digest.
  std::function<std::optional<std::string>(std::string_view repository, std::string_view reference)>
      check_delete;
  std::function<void(const RegistryEvent&)> on_event;
  // More Prometheus text for /metrics.
  std::function<std::string()> metrics;
};

}  // namespace portcullis::registry
