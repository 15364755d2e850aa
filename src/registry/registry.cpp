// Dispatch and authorization: every request is routed, authenticated, checked against the
// repository's permissions, then handed to its handler.
#include "registry/registry.hpp"

#include "base/log.hpp"
#include "oci/names.hpp"
#include "registry/errors.hpp"

namespace portcullis::registry {

Registry::Registry(RegistryOptions options, store::MetadataStore& metadata, store::BlobStore& blobs,
                   const store::CommitLock& commit_lock, Authenticator& auth, Metrics& metrics)
    : options_(options),
      metadata_(metadata),
      blobs_(blobs),
      commit_lock_(commit_lock),
      auth_(auth),
      metrics_(metrics) {}

http::Response Registry::handle(http::Request& request) {
  Route route = parse_route(request.path);
  http::Response res = dispatch(request, route);
  res.set("Docker-Distribution-API-Version", "registry/2.0");
  return res;
}

void Registry::observe(const http::Exchange& exchange) {
  Route route = parse_route(exchange.request->path);
  metrics_.record(route_label(route.kind), http::beast_http::to_string(exchange.request->method),
                  exchange.status, exchange.duration, exchange.bytes_in, exchange.bytes_out);
  // Changes and failures are logged at info; reads (the bulk of traffic) at debug.
  auto method = exchange.request->method;
  bool mutation = method == http::Verb::put || method == http::Verb::post ||
                  method == http::Verb::patch || method == http::Verb::delete_;
  log::Level level = exchange.status >= 500 ? log::Level::kError
                     : mutation || exchange.status == 401 || exchange.status == 403
                         ? log::Level::kInfo
                         : log::Level::kDebug;
  if (log::enabled(level)) {
    log::write(level, "request",
               {{"request_id", exchange.request->request_id},
                {"method", http::beast_http::to_string(exchange.request->method)},
                {"path", exchange.request->path},
                {"status", exchange.status},
                {"bytes_in", exchange.bytes_in},
                {"bytes_out", exchange.bytes_out},
                {"ms", std::chrono::duration<double, std::milli>(exchange.duration).count()},
                {"remote", exchange.request->remote}});
  }
}

http::Response Registry::internal_error(const Call& call, const Error& error) {
  // The detail stays in the log; the client gets the request id to quote.
  log::error("internal error", {{"request_id", call.request.request_id}, {"error", error.what()}});
  return error_response(RegistryError::kInternal, "internal error",
                        fmt::format("{{\"request_id\":\"{}\"}}", call.request.request_id));
}

http::Response Registry::challenge(const Call& call, std::string_view scope,
                                   std::string_view message) {
  auto res = error_response(RegistryError::kUnauthorized, message);
  res.set("WWW-Authenticate", auth_.challenge(call.request, scope));
  return res;
}

std::optional<http::Response> Registry::authorize(Call& call, unsigned needed) {
  unsigned allowed = auth_.allowed(call.identity, call.route.name);
  if ((allowed & needed) == needed) return std::nullopt;
  // Ask for a token when the caller is anonymous, or holds a token for less than its grants.
  bool could_get_more =
      call.identity.user.empty() ||
      (call.identity.from_token &&
       (auth_.granted_to_user(call.identity, call.route.name) & needed) == needed);
  if (could_get_more) {
    unsigned scope_actions = needed | ((needed & kPush) ? kPull : 0u);
    std::string actions;
    for (const auto& a : action_names(scope_actions)) actions += (actions.empty() ? "" : ",") + a;
    return challenge(call, fmt::format("repository:{}:{}", call.route.name, actions),
                     "authentication required");
  }
  std::string wanted;
  for (const auto& a : action_names(needed & ~allowed)) wanted += (wanted.empty() ? "" : ",") + a;
  return error_response(
      RegistryError::kDenied,
      fmt::format("user {} may not {} repository {}", call.identity.user, wanted, call.route.name));
}

http::Response Registry::dispatch(http::Request& request, const Route& route) {
  using http::Verb;
  Verb method = request.method;
  switch (route.kind) {
    case RouteKind::kHealth: {
      http::Response res;
      res.body = "ok\n";
      res.set("Content-Type", "text/plain");
      return res;
    }
    case RouteKind::kMetrics:
      return metrics_page();
    case RouteKind::kToken:
      if (!auth_.options().enabled) {
        return error_response(RegistryError::kNotFound, "authentication is disabled");
      }
      {
        auto res = auth_.issue_token(request);
        auto user = Authenticator::claimed_user(request);
        if (!user.empty() && (res.status == 200 || res.status == 401)) {
          emit(
              {res.status == 200 ? "login" : "login_failed", "", "", "", "", user, request.remote});
        }
        return res;
      }
    case RouteKind::kUnknown:
      for (const auto& api : apis_) {
        if (request.path == api.prefix || request.path.starts_with(api.prefix + "/")) {
          return serve_api(request, api);
        }
      }
      return error_response(RegistryError::kNotFound, fmt::format("{} is not a registry API path",
                                                                  request.path.substr(0, 200)));
    default:
      break;
  }

  auto identity = auth_.options().enabled ? auth_.identify(request) : Result<Identity>(Identity{});
  Call call{request, route, Identity{}};
  if (!identity) {
    emit({"login_failed", route.name, "", "", "", Authenticator::claimed_user(request),
          request.remote});
    return challenge(call, "", identity.error().message());
  }
  call.identity = std::move(*identity);

  if (route.kind == RouteKind::kBase) {
    if (auth_.options().enabled && call.identity.user.empty() && !call.identity.from_token &&
        !auth_.options().anonymous_pull) {
      return challenge(call, "", "authentication required");
    }
    http::Response res;
    res.body = "{}";
    res.set("Content-Type", "application/json");
    return res;
  }
  if (route.kind == RouteKind::kCatalog) {
    if (method != Verb::get)
      return error_response(RegistryError::kUnsupported, "method not allowed");
    if (!auth_.may_list_catalog(call.identity)) {
      return challenge(call, "registry:catalog:*", "authentication required");
    }
    return list_catalog(call);
  }

  if (!oci::is_valid_repository_name(route.name)) {
    return error_response(RegistryError::kNameInvalid,
                          fmt::format("invalid repository name \"{}\"", route.name.substr(0, 256)));
  }
  unsigned needed = 0;
  switch (method) {
    case Verb::get:
    case Verb::head:
      needed = kPull;
      break;
    case Verb::put:
    case Verb::post:
    case Verb::patch:
      needed = kPush;
      break;
    case Verb::delete_:
      needed = kDelete;
      break;
    default:
      return error_response(RegistryError::kUnsupported, "method not allowed");
  }
  if (auto denied = authorize(call, needed)) return std::move(*denied);

  switch (route.kind) {
    case RouteKind::kTags:
      if (method == Verb::get) return list_tags(call);
      break;
    case RouteKind::kReferrers:
      if (method == Verb::get) return list_referrers(call);
      break;
    case RouteKind::kManifest:
      if (method == Verb::get || method == Verb::head)
        return get_manifest(call, method == Verb::head);
      if (method == Verb::put) return put_manifest(call);
      if (method == Verb::delete_) return delete_manifest(call);
      break;
    case RouteKind::kBlob:
      if (method == Verb::get || method == Verb::head) return get_blob(call, method == Verb::head);
      if (method == Verb::delete_) return delete_blob(call);
      break;
    case RouteKind::kUploadStart:
      if (method == Verb::post) return start_upload(call);
      break;
    case RouteKind::kUpload:
      if (method == Verb::patch) return patch_upload(call);
      if (method == Verb::put) return put_upload(call);
      if (method == Verb::get) return upload_status(call);
      if (method == Verb::delete_) return cancel_upload(call);
      break;
    default:
      break;
  }
  return error_response(
      RegistryError::kUnsupported,
      fmt::format("{} is not supported on this path", http::beast_http::to_string(method)));
}

void Registry::mount(std::string prefix, ApiHandler handler, bool public_endpoint) {
  apis_.push_back({std::move(prefix), std::move(handler), public_endpoint});
}

http::Response Registry::serve_api(http::Request& request, const Api& api) {
  const ApiHandler& handler = api.handler;
  if (api.public_endpoint) return handler(request, Identity{});
  if (!auth_.options().enabled) return handler(request, Identity{"", true, false, {}});
  auto identity = auth_.identify(request);
  if (!identity || identity->user.empty()) {
    auto res = error_response(RegistryError::kUnauthorized,
                              identity ? "authentication required" : identity.error().message());
    res.set("WWW-Authenticate", "Basic realm=\"portcullis\"");
    return res;
  }
  return handler(request, *identity);
}

http::Response Registry::metrics_page() {
  auto totals = metadata_.blob_totals();
  http::Response res;
  res.body = metrics_.render(totals ? totals->first : -1, totals ? totals->second : -1);
  if (hooks_.metrics) res.body += hooks_.metrics();
  res.set("Content-Type", "text/plain; version=0.0.4");
  return res;
}

}  // namespace portcullis::registry
