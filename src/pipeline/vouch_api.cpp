// The vouch endpoint.
#include "pipeline/vouch_api.hpp"

#include "base/encoding.hpp"
#include "base/log.hpp"
#include "pipeline/api_response.hpp"

namespace portcullis::pipeline {
namespace {

constexpr size_t kMaxBody = 64 * 1024;

// USER and PASSWORD of a Basic Authorization header.
std::optional<std::pair<std::string, std::string>> basic_credentials(const http::Request& request) {
  std::string_view header = request.header("authorization");
  if (!header.starts_with("Basic ")) return std::nullopt;
  auto decoded = base64_decode(header.substr(6));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

}  // namespace

void mount_vouch_api(registry::Registry& registry,
                     const std::shared_ptr<const VoucherConfig>& config, bool tls_verify) {
  registry.mount(
      "/vouch", [config, tls_verify](http::Request& request, const registry::Identity& who) {
        if (request.method != http::Verb::post) {
          return api_error(405, "UNSUPPORTED", "use POST with {\"image_url\": \"REF@sha256:...\"}");
        }
        VoucherConfig run = *config;
        std::string_view check = std::string_view(request.path).substr(6);  // after "/vouch"
        if (!check.empty()) {
          check.remove_prefix(1);
          const auto& names = voucher_check_names();
          if (std::find(names.begin(), names.end(), check) == names.end()) {
            return api_error(404, "NOT_FOUND", fmt::format("no check named \"{}\"", check));
          }
          run.checks = {std::string(check)};
        }
        auto body = request.read_body(kMaxBody);
        if (!body) return api_error(body.error());
        auto doc = nlohmann::json::parse(*body, nullptr, false);
        if (!doc.is_object() || !doc.contains("image_url") || !doc["image_url"].is_string()) {
          return api_error(400, "INVALID", "the body must be {\"image_url\": \"REF@sha256:...\"}");
        }
        VouchRequest req;
        req.image_url = doc["image_url"].get<std::string>();
        req.require_digest = true;
        req.tls_verify = tls_verify;
        if (!who.user.empty()) {
          auto creds = basic_credentials(request);
          if (!creds) {
            return api_error(400, "INVALID",
                             "authenticate /vouch with Basic credentials: the checks use them to "
                             "read the image and write its attestations");
          }
          req.username = creds->first;
          req.password = creds->second;
        }
        auto result = vouch(run, req);
        if (!result) return api_error(result.error());
        log::info("vouch", {{"user", who.user},
                            {"image", result->image},
                            {"success", result->success},
                            {"checks", run.checks.size()}});
        return json_response(200, vouch_json(*result));
      });
}

}  // namespace portcullis::pipeline
