// Route parsing from the end of the path: repository names may contain slashes.
#include "registry/routes.hpp"

namespace portcullis::registry {
namespace {

// Splits "/v2/<name><marker><rest>" at the last occurrence of marker.
bool split_at(std::string_view rest, std::string_view marker, Route& route, RouteKind kind) {
  auto at = rest.rfind(marker);
  if (at == std::string_view::npos || at == 0) return false;
  std::string_view tail = rest.substr(at + marker.size());
  if (tail.find('/') != std::string_view::npos) return false;
  route.kind = kind;
  route.name = std::string(rest.substr(0, at));
  route.reference = std::string(tail);
  return true;
}

}  // namespace

Route parse_route(std::string_view path) {
  Route route;
  if (path == "/token")
    route.kind = RouteKind::kToken;
  else if (path == "/healthz")
    route.kind = RouteKind::kHealth;
  else if (path == "/metrics")
    route.kind = RouteKind::kMetrics;
  else if (path == "/v2" || path == "/v2/")
    route.kind = RouteKind::kBase;
  else if (path == "/v2/_catalog")
    route.kind = RouteKind::kCatalog;
  if (route.kind != RouteKind::kUnknown || !path.starts_with("/v2/")) return route;

  std::string_view rest = path.substr(4);
  if (rest.ends_with("/tags/list")) {
    route.kind = RouteKind::kTags;
    route.name = std::string(rest.substr(0, rest.size() - 10));
    return route;
  }
  if (rest.ends_with("/blobs/uploads") || rest.ends_with("/blobs/uploads/")) {
    route.kind = RouteKind::kUploadStart;
    route.name = std::string(rest.substr(0, rest.rfind("/blobs/uploads")));
    return route;
  }
  if (split_at(rest, "/blobs/uploads/", route, RouteKind::kUpload)) return route;
  if (split_at(rest, "/manifests/", route, RouteKind::kManifest)) return route;
  if (split_at(rest, "/blobs/", route, RouteKind::kBlob)) return route;
  if (split_at(rest, "/referrers/", route, RouteKind::kReferrers)) return route;
  return Route{};
}

std::string_view route_label(RouteKind kind) {
  switch (kind) {
    case RouteKind::kBase:
      return "base";
    case RouteKind::kCatalog:
      return "catalog";
    case RouteKind::kTags:
      return "tags";
    case RouteKind::kManifest:
      return "manifest";
    case RouteKind::kBlob:
      return "blob";
    case RouteKind::kUploadStart:
      return "upload_start";
    case RouteKind::kUpload:
      return "upload";
    case RouteKind::kReferrers:
      return "referrers";
    case RouteKind::kToken:
      return "token";
    case RouteKind::kHealth:
      return "healthz";
    case RouteKind::kMetrics:
      return "metrics";
    case RouteKind::kUnknown:
      return "unknown";
  }
  return "unknown";
}

}  // namespace portcullis::registry
