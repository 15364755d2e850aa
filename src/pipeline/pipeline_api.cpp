// The pipeline's API under /portcullis/v1 (JSON; the registry's users and permissions):
//   GET  scan?repository=R&(digest=D|tag=T)     status and summary        (pull on R)
//   GET  scan/report?repository=R&…             findings and verdict      (pull on R)
//   GET  scan/sbom?repository=R&…               CycloneDX SBOM            (pull on R)
//   GET  scan/inventory?repository=R&…          the inventory kept for re-matching (pull on R)
//   POST promote {"source","target","force"}    a promotion               (pull + push; force:
//   admin) GET  audit?since=T&repository=R&action=A&after=ID&limit=N              (admin) GET
//   deliveries?limit=N                     the webhook delivery log  (admin) POST mirrors/poll poll
//   every mirror now     (admin) POST rematch                                re-match stored scans
//   (admin)
#include "pipeline/pipeline_api.hpp"

#include "base/json_text.hpp"
#include "base/time_text.hpp"
#include "pipeline/api_response.hpp"
#include "pipeline/pipeline.hpp"
#include "registry/permissions.hpp"

namespace portcullis::pipeline {
namespace {

constexpr std::string_view kPrefix = "/portcullis/v1";

nlohmann::json event_json(const Event& e) {
  return {{"id", e.id},
          {"time", rfc3339(e.time)},
          {"action", e.action},
          {"actor", e.actor},
          {"repository", e.repository},
          {"digest", e.digest},
          {"tag", e.tag},
          {"rule", e.rule},
          {"result", e.result},
          {"reason", e.reason},
          {"remote", e.remote},
          {"detail", e.detail}};
}

class PipelineApi {
 public:
  PipelineApi(Pipeline& pipeline, registry::Registry& registry, store::MetadataStore& metadata,
              store::BlobStore& blobs)
      : pipeline_(pipeline), registry_(registry), local_{registry, metadata, blobs, ""} {}

  http::Response operator()(http::Request& request, const registry::Identity& who) {
    using http::Verb;
    std::string_view path = std::string_view(request.path).substr(kPrefix.size());
    bool get = request.method == Verb::get;
    bool post = request.method == Verb::post;
    if (get && path == "/scan") return scan(request, who, "");
    if (get && path == "/scan/report") return scan(request, who, "report");
    if (get && path == "/scan/sbom") return scan(request, who, "sbom");
    if (get && path == "/scan/inventory") return scan(request, who, "inventory");
    if (post && path == "/promote") return promote(request, who);
    if (!who.is_admin && (path == "/audit" || path == "/deliveries" || path == "/mirrors/poll" ||
                          path == "/rematch")) {
      return api_error(403, "DENIED", fmt::format("user {} is not an admin", who.user));
    }
    if (get && path == "/audit") return audit(request);
    if (get && path == "/deliveries") return deliveries(request);
    if (post && path == "/mirrors/poll") {
      pipeline_.poll_mirrors(true);
      return json_response(200, {{"polled", pipeline_.config().mirrors.size()}});
    }
    if (post && path == "/retention") {
      return json_response(200, {{"deleted", pipeline_.apply_retention()}});
    }
    if (post && path == "/rematch") {
      auto changed = pipeline_.rematch();
      if (!changed) return api_error(changed.error());
      return json_response(200, {{"verdicts_changed", *changed}});
    }
    return api_error(
        404, "NOT_FOUND",
        fmt::format("{} {} is not a pipeline API", http::beast_http::to_string(request.method),
                    request.path.substr(0, 200)));
  }

 private:
  std::optional<http::Response> may(const registry::Identity& who, const std::string& repository,
                                    unsigned actions) {
    if ((registry_.allowed(who, repository) & actions) == actions) return std::nullopt;
    return api_error(403, "DENIED",
                     fmt::format("user {} may not {} repository {}", who.user,
                                 actions & registry::kPush ? "push to" : "pull", repository));
  }

  http::Response scan(http::Request& request, const registry::Identity& who,
                      std::string_view part) {
    std::string repository(request.query_param("repository").value_or(""));
    std::string digest(request.query_param("digest").value_or(""));
    std::string tag(request.query_param("tag").value_or(""));
    if (repository.empty() || (digest.empty() == tag.empty())) {
      return api_error(400, "INVALID", "give repository and one of digest or tag");
    }
    if (auto denied = may(who, repository, registry::kPull)) return std::move(*denied);
    if (digest.empty()) {
      auto resolved = local_.metadata.resolve_tag(repository, tag);
      if (!resolved) return api_error(resolved.error());
      if (!*resolved)
        return api_error(404, "NOT_FOUND", repository + ":" + tag + " does not exist");
      digest = **resolved;
    }
    auto record = pipeline_.store().scan(repository, digest);
    if (!record) return api_error(record.error());
    auto job = pipeline_.store().job_for(repository, digest);
    if (!*record) {
      std::string state = job && *job ? "queued" : "none";
      if (!part.empty() || state == "none") {
        return api_error(404, "NOT_FOUND",
                         fmt::format("{}@{} has no scan result ({})", repository, digest,
                                     state == "none" ? "never scanned" : "queued"));
      }
      return json_response(200,
                           {{"repository", repository}, {"digest", digest}, {"status", "queued"}});
    }
    const auto& r = **record;
    if (part == "report") return json_response(200, r.report);
    if (part == "inventory") return json_response(200, r.inventory);
    if (part == "sbom") {
      auto store = local_artifact_store(local_, repository, "");
      auto manifest = store->get_manifest(r.sbom_digest);
      if (!manifest || !*manifest) return api_error(404, "NOT_FOUND", "the SBOM referrer is gone");
      auto doc = nlohmann::json::parse(**manifest, nullptr, false);
      auto layer = doc.is_object() && doc.contains("layers") && !doc["layers"].empty()
                       ? Digest::parse(doc["layers"][0].value("digest", ""))
                       : Result<Digest>(make_error(ErrorCode::kCorrupt, "no layer"));
      if (!layer) return api_error(layer.error());
      auto sbom = store->get_blob(*layer);
      if (!sbom) return api_error(sbom.error());
      http::Response res;
      res.body = std::move(*sbom);
      res.set("Content-Type", "application/vnd.cyclonedx+json");
      return res;
    }
    return json_response(200, {{"repository", r.repository},
                               {"digest", r.digest},
                               {"tag", r.tag},
                               {"status", r.status},
                               {"passed", r.passed},
                               {"summary", r.summary},
                               {"sbom", r.sbom_digest},
                               {"report", r.report_digest},
                               {"db", r.db_built_at},
                               {"scanned_at", rfc3339(r.scanned_at)},
                               {"job", r.job_id}});
  }

  http::Response promote(http::Request& request, const registry::Identity& who) {
    auto body = request.read_body(1 << 16);
    if (!body) return api_error(body.error());
    auto doc = nlohmann::json::parse(*body, nullptr, false);
    if (!doc.is_object() || !doc.contains("source") || !doc["source"].is_string()) {
      return api_error(400, "INVALID",
                       "expected {\"source\": \"REPOSITORY:TAG|@DIGEST\", "
                       "\"target\": \"REPOSITORY:TAG\", \"force\": false}");
    }
    std::string source = doc["source"];
    PromoteRequest p;
    auto at = source.find('@');
    auto colon = source.rfind(':');
    if (at != std::string::npos) {
      p.source_repository = source.substr(0, at);
      p.reference = source.substr(at + 1);
    } else if (colon != std::string::npos && source.find('/', colon) == std::string::npos) {
      p.source_repository = source.substr(0, colon);
      p.reference = source.substr(colon + 1);
    } else {
      return api_error(400, "INVALID", "source must name a tag or a digest: " + source);
    }
    p.target = doc.value("target", "");
    p.force = doc.value("force", false);
    p.user = who.user.empty() ? "admin" : who.user;
    if (p.force && !who.is_admin) {
      return api_error(403, "DENIED", "a forced promotion (manual override) needs an admin");
    }
    if (auto denied = may(who, p.source_repository, registry::kPull)) return std::move(*denied);
    if (!p.target.empty()) {
      auto target_colon = p.target.rfind(':');
      if (auto denied = may(who, p.target.substr(0, target_colon), registry::kPush))
        return std::move(*denied);
    }
    auto result = pipeline_.promote(p);
    if (!result) return api_error(result.error());
    return json_response(result->promoted ? 200 : 409, {{"promoted", result->promoted},
                                                        {"rule", result->rule},
                                                        {"source", result->source},
                                                        {"target", result->target},
                                                        {"reasons", result->reasons}});
  }

  http::Response audit(http::Request& request) {
    PipelineStore::EventQuery q;
    if (auto since = request.query_param("since")) {
      q.since = parse_rfc3339(*since);
      if (q.since < 0) return api_error(400, "INVALID", "since: expected RFC 3339 or YYYY-MM-DD");
    }
    q.repository = request.query_param("repository").value_or("");
    q.action = request.query_param("action").value_or("");
    if (auto after = request.query_param("after"))
      q.after_id = std::atoll(std::string(*after).c_str());
    if (auto limit = request.query_param("limit"))
      q.limit = std::clamp(std::atoi(std::string(*limit).c_str()), 1, 10000);
    auto events = pipeline_.store().events(q);
    if (!events) return api_error(events.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : *events) out.push_back(event_json(e));
    return json_response(200, {{"events", out}});
  }

  http::Response deliveries(http::Request& request) {
    int limit = 100;
    if (auto l = request.query_param("limit"))
      limit = std::clamp(std::atoi(std::string(*l).c_str()), 1, 10000);
    auto list = pipeline_.store().deliveries(limit);
    if (!list) return api_error(list.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : *list) {
      out.push_back({{"id", d.id},
                     {"event_id", d.event_id},
                     {"webhook", d.webhook},
                     {"event", d.event},
                     {"state", d.state},
                     {"attempts", d.attempts},
                     {"last_status", d.last_status},
                     {"last_error", d.last_error},
                     {"created_at", rfc3339(d.created_at)},
                     {"delivered_at", d.delivered_at ? rfc3339(d.delivered_at) : ""}});
    }
    return json_response(200, {{"deliveries", out}});
  }

  Pipeline& pipeline_;
  registry::Registry& registry_;
  LocalRegistry local_;
};

}  // namespace

void mount_pipeline_api(Pipeline& pipeline, registry::Registry& registry,
                        store::MetadataStore& metadata, store::BlobStore& blobs) {
  auto api = std::make_shared<PipelineApi>(pipeline, registry, metadata, blobs);
  for (const char* sub :
       {"/scan", "/promote", "/audit", "/deliveries", "/mirrors", "/rematch", "/retention"}) {
    registry.mount(
        std::string(kPrefix) + sub,
        [api](http::Request& r, const registry::Identity& who) { return (*api)(r, who); });
  }
}

}  // namespace portcullis::pipeline
