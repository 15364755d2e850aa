// Registry requests with the Docker token flow.
#include "http/registry_client.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "base/encoding.hpp"

namespace portcullis::http {
namespace {

// key="value" pairs of a WWW-Authenticate challenge.
std::map<std::string, std::string> challenge_params(std::string_view header) {
  std::map<std::string, std::string> out;
  auto space = header.find(' ');
  std::string_view rest = space == std::string_view::npos ? "" : header.substr(space + 1);
  while (!rest.empty()) {
    auto eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string key(rest.substr(0, eq));
    while (!key.empty() && (key.front() == ' ' || key.front() == ',')) key.erase(0, 1);
    rest.remove_prefix(eq + 1);
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      auto close = rest.find('"', 1);
      value = std::string(
          rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
      rest = close == std::string_view::npos ? "" : rest.substr(close + 1);
    } else {
      auto comma = rest.find(',');
      value = std::string(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? "" : rest.substr(comma);
    }
    out[key] = value;
  }
  return out;
}

}  // namespace

RegistryClient::RegistryClient(RegistryEndpoint endpoint) : endpoint_(std::move(endpoint)) {
  ClientOptions options;
  options.tls_verify = endpoint_.tls_verify;
  options.timeout_seconds = endpoint_.timeout_seconds;
  options.deadline = endpoint_.deadline;
  client_ = std::make_unique<Client>(options);
}

Result<std::string> RegistryClient::base() {
  if (!base_.empty()) return base_;
  base_ = "https://" + endpoint_.host;
  if (endpoint_.tls_verify) return base_;
  // --tls-verify=false: like skopeo, HTTPS without verification, else plain HTTP.
  auto probe = client_->send(ClientRequest{"GET", base_ + "/v2/", {}, "", false});
  if (!probe) base_ = "http://" + endpoint_.host;
  return base_;
}

std::vector<std::pair<std::string, std::string>> RegistryClient::auth_headers() const {
  if (authorization_.empty()) return {};
  return {{"Authorization", authorization_}};
}

Error RegistryClient::http_error(const ClientResponse& res, const std::string& what) const {
  std::string detail = res.body.substr(0, 300);
  if (res.status == 401 || res.status == 403) {
    return make_error(ErrorCode::kPermissionDenied, "{}: {} refused ({}): {}", endpoint_.location,
                      what, res.status, detail);
  }
  return make_error(ErrorCode::kIo, "{}: {} gave HTTP {}: {}", endpoint_.location, what, res.status,
                    detail);
}

Status RegistryClient::authenticate(std::string_view challenge) {
  auto params = challenge_params(challenge);
  bool have_creds = !endpoint_.username.empty();
  std::string basic = "Basic " + base64_encode(endpoint_.username + ":" + endpoint_.password);
  if (challenge.size() >= 5 &&
      (challenge.substr(0, 5) == "Basic" || challenge.substr(0, 5) == "basic")) {
    if (!have_creds) {
      return make_error(ErrorCode::kPermissionDenied,
                        "{}: the registry wants credentials (--creds)", endpoint_.location);
    }
    authorization_ = basic;
    return Ok{};
  }
  std::string realm = params["realm"];
  if (realm.empty()) {
    return make_error(ErrorCode::kPermissionDenied, "{}: unsupported challenge: {}",
                      endpoint_.location, challenge);
  }
  std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&") +
                    "service=" + percent_encode(params["service"]) + "&scope=" +
                    percent_encode("repository:" + endpoint_.repository + ":" + endpoint_.actions);
  ClientRequest request{"GET", url, {}, "", false};
  if (have_creds) request.headers.emplace_back("Authorization", basic);
  auto res = client_->send(request);
  if (!res) return res.error();
  if (res->status != 200) return http_error(*res, "token request");
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  std::string token;
  if (body.is_object()) token = body.value("token", body.value("access_token", ""));
  if (token.empty()) {
    return make_error(ErrorCode::kIo, "{}: the token endpoint returned no token",
                      endpoint_.location);
  }
  authorization_ = "Bearer " + token;
  return Ok{};
}

Result<ClientResponse> RegistryClient::send(const ClientRequest& request) {
  auto b = base();
  if (!b) return b.error();
  std::string url = request.url.starts_with("http") ? request.url : *b + request.url;
  for (int attempt = 0; attempt < 2; ++attempt) {
    ClientRequest r = request;
    r.url = url;
    for (auto& h : auth_headers()) r.headers.push_back(h);
    auto res = client_->send(r);
    if (!res) return res.error().context("{}", endpoint_.location);
    if (res->status == 401 && attempt == 0) {
      PORTCULLIS_TRY(authenticate(res->header("www-authenticate")));
      continue;
    }
    return res;
  }
  return make_error(ErrorCode::kPermissionDenied, "{}: authentication failed", endpoint_.location);
}

}  // namespace portcullis::http
