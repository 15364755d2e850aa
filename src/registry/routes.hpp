// The registry's URL space: distribution-spec endpoints plus /token, /healthz and /metrics.
#pragma once

#include <string>
#include <string_view>

namespace portcullis::registry {

enum class RouteKind {
  kBase,         // /v2/
  kCatalog,      // /v2/_catalog
  kTags,         // /v2/<name>/tags/list
  kManifest,     // /v2/<name>/manifests/<reference>
  kBlob,         // /v2/<name>/blobs/<digest>
  kUploadStart,  // /v2/<name>/blobs/uploads/
  kUpload,       // /v2/<name>/blobs/uploads/<id>
  kReferrers,    // /v2/<name>/referrers/<digest>
  kToken,        // /token
  kHealth,       // /healthz
  kMetrics,      // /metrics
  kUnknown,
};

struct Route {
  RouteKind kind = RouteKind::kUnknown;
  std::string name;       // repository (not yet validated)
  std::string reference;  // tag, digest or upload id
};

Route parse_route(std::string_view path);
std::string_view route_label(RouteKind kind);

}  // namespace portcullis::registry
