// Mirroring. Pull: each mirror polls its upstream repository's tags on its interval and copies
// every new tag, or tag whose digest changed, that its filters match (all platforms of an
// index) into the local repository, where it is scanned and promoted like a push. Push: after a
// promotion, the image is replicated to the remote registries whose rule matches the target.
// Failures are audited (mirror_failed) and retried with exponential backoff.
#include <nlohmann/json.hpp>

#include "admit/name_pattern.hpp"
#include "base/log.hpp"
#include "pipeline/copy.hpp"
#include "pipeline/pipeline.hpp"

namespace portcullis::pipeline {
namespace {

constexpr int kPushAttempts = 3;

http::RegistryClient client_for(const Upstream& u, const std::string& repository,
                                const std::string& actions) {
  return http::RegistryClient({u.registry, repository, u.username, u.password, u.tls_verify,
                               actions, u.registry + "/" + repository, 60, std::nullopt});
}

Result<std::vector<std::string>> list_tags(http::RegistryClient& client) {
  std::vector<std::string> tags;
  std::string path = "/v2/" + client.endpoint().repository + "/tags/list?n=1000";
  for (int page = 0; page < 1000 && !path.empty(); ++page) {
    auto res = client.send({"GET", path, {}, "", false});
    if (!res) return res.error();
    if (res->status != 200) return client.http_error(*res, "tag list");
    auto doc = nlohmann::json::parse(res->body, nullptr, false);
    if (!doc.is_object()) {
      return make_error(ErrorCode::kCorrupt, "{}: the tag list is not JSON",
                        client.endpoint().location);
    }
    if (doc.contains("tags") && doc["tags"].is_array()) {
      for (const auto& t : doc["tags"]) {
        if (t.is_string()) tags.push_back(t.get<std::string>());
      }
    }
    // RFC 5988 Link: </v2/…/tags/list?n=…&last=…>; rel="next"
    std::string link(res->header("link"));
    path.clear();
    if (auto open = link.find('<'), close = link.find('>');
        open != std::string::npos && close != std::string::npos &&
        link.find("rel=\"next\"") != std::string::npos) {
      path = link.substr(open + 1, close - open - 1);
    }
  }
  return tags;
}

Result<std::string> upstream_digest(http::RegistryClient& client, const std::string& tag) {
  auto res = client.send({"HEAD",
                          "/v2/" + client.endpoint().repository + "/manifests/" + tag,
                          {{"Accept", kManifestAccept}},
                          "",
                          false});
  if (!res) return res.error();
  if (res->status != 200) return client.http_error(*res, "manifest " + tag);
  std::string digest(res->header("docker-content-digest"));
  if (digest.empty()) {
    return make_error(ErrorCode::kCorrupt, "{}: {} has no Docker-Content-Digest",
                      client.endpoint().location, tag);
  }
  return digest;
}

bool wanted(const MirrorRule& m, const std::string& tag) {
  if (registry::artifact_tag_subject(tag)) return false;  // signatures follow their own rules
  if (m.tags.empty()) return true;
  for (const auto& pattern : m.tags) {
    if (glob_matches(pattern, tag)) return true;
  }
  return false;
}

}  // namespace

void Pipeline::poll_mirrors(bool force) {
  std::lock_guard lock(mirror_mutex_);
  auto now = std::chrono::steady_clock::now();
  for (const auto& m : options_.config.mirrors) {
    auto due = mirror_due_.find(m.name);
    if (!force && due != mirror_due_.end() && now < due->second) continue;
    std::string actor = "mirror:" + m.name;
    auto client = client_for(m.upstream, m.upstream.repository, "pull");
    std::vector<std::string> failures;
    auto tags = list_tags(client);
    if (!tags) failures.push_back(tags.error().what());
    int copied = 0;
    for (const auto& tag : tags ? *tags : std::vector<std::string>()) {
      if (stopping_) return;
      if (!wanted(m, tag)) continue;
      auto digest = upstream_digest(client, tag);
      if (!digest) {
        failures.push_back(tag + ": " + digest.error().what());
        continue;
      }
      auto mirrored = store_->mirrored_digest(m.name, tag);
      auto local = local_.metadata.resolve_tag(m.to, tag);
      if (mirrored && *mirrored && **mirrored == *digest && local && *local && **local == *digest)
        continue;
      auto stored = copy_from_remote(client, *digest, local_, m.to, tag, actor);
      if (!stored) {
        failures.push_back(tag + ": " + stored.error().what());
        continue;
      }
      (void)store_->set_mirrored(m.name, tag, *stored);
      ++copied;
      metrics_.mirrored.fetch_add(1);
      record(Event{0, 0, "mirror", actor, m.to, *stored, tag, m.name, "mirrored",
                   fmt::format("{}/{}:{} -> {}:{}", m.upstream.registry, m.upstream.repository, tag,
                               m.to, tag),
                   "", nlohmann::json::object()});
      // Scanned like a push (whatever the repository rules say: mirrored content is foreign).
      if (auto queued =
              store_->enqueue_scan(ScanJob{0, m.to, *stored, tag, "mirror", 0, unix_time()});
          queued && *queued) {
        wake_workers();
      }
    }
    int& failed = mirror_failures_[m.name];
    if (failures.empty()) {
      failed = 0;
      mirror_due_[m.name] = now + m.interval;
      if (copied > 0) log::info("mirrored", {{"mirror", m.name}, {"tags", copied}});
      continue;
    }
    ++failed;
    // Exponential backoff from 5 s, never longer than the interval.
    auto backoff = std::min<std::chrono::seconds>(
        m.interval, std::chrono::seconds(5) * (1 << std::min(failed - 1, 10)));
    mirror_due_[m.name] = now + backoff;
    metrics_.mirror_failures.fetch_add(1);
    log::warn("mirror failed", {{"mirror", m.name},
                                {"attempt", failed},
                                {"retry_in_s", backoff.count()},
                                {"error", failures.front()}});
    record(Event{
        0, 0, "mirror_failed", actor, m.to, "", "", m.name, "failed",
        failures.front() +
            (failures.size() > 1 ? fmt::format(" (and {} more)", failures.size() - 1) : ""),
        "",
        nlohmann::json{
            {"attempt", failed}, {"retry_in_seconds", backoff.count()}, {"errors", failures}}});
  }
}

void Pipeline::push_mirror(const std::string& repository, const std::string& digest,
                           const std::string& tag) {
  for (const auto& m : options_.config.push_mirrors) {
    if (!admit::name_pattern_matches(m.from, repository)) continue;
    auto slash = repository.find('/');
    std::string remote_repo =
        m.to.repository + "/" +
        (slash == std::string::npos ? repository : repository.substr(slash + 1));
    auto client = client_for(m.to, remote_repo, "pull,push");
    Status pushed = Ok{};
    for (int attempt = 1; attempt <= kPushAttempts; ++attempt) {
      pushed = copy_to_remote(local_, repository, digest, client, tag.empty() ? digest : tag);
      if (pushed || stopping_) break;
      if (!sleep_for(std::chrono::seconds(1 << (attempt - 1)))) break;
    }
    std::string where =
        m.to.registry + "/" + remote_repo + (tag.empty() ? "@" + digest : ":" + tag);
    if (pushed) {
      record(Event{0, 0, "mirror", "mirror:" + m.name, repository, digest, tag, m.name,
                   "replicated", "to " + where, "", nlohmann::json::object()});
      continue;
    }
    metrics_.mirror_failures.fetch_add(1);
    record(Event{0, 0, "mirror_failed", "mirror:" + m.name, repository, digest, tag, m.name,
                 "failed", fmt::format("push to {}: {}", where, pushed.error().what()), "",
                 nlohmann::json{{"attempts", kPushAttempts}}});
  }
}

}  // namespace portcullis::pipeline
