// Listings: tags (distribution-spec "Listing Tags"), the catalog, and referrers ("Listing
// Referrers"), with n/last pagination and RFC 8288 Link headers.
#include <charconv>
#include <nlohmann/json.hpp>

#include "base/json_text.hpp"
#include "oci/media_types.hpp"
#include "registry/errors.hpp"
#include "registry/registry.hpp"

namespace portcullis::registry {
namespace {

constexpr int64_t kMaxPage = 10000;

// n: absent means everything (bounded), otherwise 0..kMaxPage.
std::optional<int64_t> parse_page_size(const http::Request& request, bool& invalid) {
  invalid = false;
  auto n = request.query_param("n");
  if (!n) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(n->data(), n->data() + n->size(), value);
  if (ec != std::errc() || end != n->data() + n->size() || value < 0) {
    invalid = true;
    return std::nullopt;
  }
  return std::min(value, kMaxPage);
}

http::Response json_response(const nlohmann::json& body) {
  http::Response res;
  res.body = to_json_text(body);
  res.set("Content-Type", "application/json");
  return res;
}

}  // namespace

http::Response Registry::list_tags(Call& call) {
  bool invalid = false;
  auto n = parse_page_size(call.request, invalid);
  if (invalid)
    return error_response(RegistryError::kPaginationInvalid, "n must be a non-negative integer");
  auto exists = metadata_.repository_exists(call.route.name);
  if (!exists) return internal_error(call, exists.error());
  if (!*exists) {
    return error_response(RegistryError::kNameUnknown,
                          fmt::format("repository {} is not known", call.route.name));
  }
  std::string last(call.request.query_param("last").value_or(""));
  int64_t limit = n ? *n : kMaxPage;
  auto tags = metadata_.list_tags(call.route.name, last, limit + 1);
  if (!tags) return internal_error(call, tags.error());
  bool more = static_cast<int64_t>(tags->size()) > limit;
  if (more) tags->resize(static_cast<size_t>(limit));
  auto res = json_response({{"name", call.route.name}, {"tags", *tags}});
  if (more && !tags->empty()) {
    res.set("Link", fmt::format("</v2/{}/tags/list?n={}&last={}>; rel=\"next\"", call.route.name,
                                limit, http::url_encode(tags->back())));
  }
  return res;
}

http::Response Registry::list_catalog(Call& call) {
  bool invalid = false;
  auto n = parse_page_size(call.request, invalid);
  if (invalid)
    return error_response(RegistryError::kPaginationInvalid, "n must be a non-negative integer");
  std::string last(call.request.query_param("last").value_or(""));
  int64_t limit = n ? *n : kMaxPage;
  std::vector<std::string> page;
  bool more = false;
  // Only repositories the caller may pull are listed; read in batches until the page is full.
  while (!more) {
    auto batch = metadata_.list_repositories(last, 1000);
    if (!batch) return internal_error(call, batch.error());
    for (const auto& name : *batch) {
      unsigned allowed = call.identity.from_token ? auth_.granted_to_user(call.identity, name)
                                                  : auth_.allowed(call.identity, name);
      if (!auth_.options().enabled) allowed = kAllActions;
      if ((allowed & kPull) == 0) continue;
      if (static_cast<int64_t>(page.size()) == limit) {
        more = true;
        break;
      }
      page.push_back(name);
    }
    if (batch->size() < 1000) break;
    last = batch->back();
  }
  auto res = json_response({{"repositories", page}});
  if (more && !page.empty()) {
    res.set("Link", fmt::format("</v2/_catalog?n={}&last={}>; rel=\"next\"", limit,
                                http::url_encode(page.back())));
  }
  return res;
}

http::Response Registry::list_referrers(Call& call) {
  auto digest = Digest::parse(call.route.reference);
  if (!digest) return error_response(RegistryError::kDigestInvalid, digest.error().message());
  auto referrers = metadata_.referrers(call.route.name, digest->str());
  if (!referrers) return internal_error(call, referrers.error());
  auto filter = call.request.query_param("artifactType");
  nlohmann::json manifests = nlohmann::json::array();
  for (const auto& r : *referrers) {
    if (filter && r.artifact_type != *filter) continue;
    nlohmann::json d = {{"mediaType", r.media_type}, {"digest", r.digest}, {"size", r.size}};
    if (!r.artifact_type.empty()) d["artifactType"] = r.artifact_type;
    if (!r.annotations_json.empty()) {
      auto annotations = nlohmann::json::parse(r.annotations_json, nullptr, false);
      if (!annotations.is_discarded()) d["annotations"] = annotations;
    }
    manifests.push_back(std::move(d));
  }
  nlohmann::json body = {
      {"schemaVersion", 2}, {"mediaType", oci::kOciIndex}, {"manifests", manifests}};
  http::Response res;
  res.body = to_json_text(body);
  res.set("Content-Type", std::string(oci::kOciIndex));
  if (filter) res.set("OCI-Filters-Applied", "artifactType");
  return res;
}

}  // namespace portcullis::registry
