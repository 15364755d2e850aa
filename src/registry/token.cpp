// JWT encoding and verification with OpenSSL HMAC-SHA256.
#include "registry/token.hpp"

#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/encoding.hpp"
#include "base/file.hpp"
#include "base/json_text.hpp"
#include "registry/passwords.hpp"

namespace portcullis::registry {
Result<Access> parse_scope(std::string_view scope) {
  auto first = scope.find(':');
  auto last = scope.rfind(':');
  if (first == std::string_view::npos || first == last) {
    return make_error(ErrorCode::kInvalidArgument, "scope \"{}\" is not type:name:actions",
                      scope.substr(0, 200));
  }
  Access access{std::string(scope.substr(0, first)),
                std::string(scope.substr(first + 1, last - first - 1)),
                {}};
  std::string_view actions = scope.substr(last + 1);
  while (!actions.empty()) {
    auto comma = actions.find(',');
    auto action = actions.substr(0, comma);
    if (!action.empty()) access.actions.emplace_back(action);
    if (comma == std::string_view::npos) break;
    actions.remove_prefix(comma + 1);
  }
  return access;
}

Result<TokenSigner> TokenSigner::load_or_create(const std::filesystem::path& path) {
  auto existing = read_file(path);
  if (existing) {
    if (existing->size() < 32) {
      return make_error(ErrorCode::kCorrupt, "token key {} is shorter than 32 bytes",
                        path.string());
    }
    return TokenSigner(std::move(*existing));
  }
  if (existing.error().code() != ErrorCode::kNotFound) return existing.error();
  std::string key = random_secret(48);
  PORTCULLIS_TRY(write_file_atomic(path, key, 0600));
  return TokenSigner(std::move(key));
}

std::string TokenSigner::issue(const TokenClaims& claims) const {
  nlohmann::json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  nlohmann::json access = nlohmann::json::array();
  for (const auto& a : claims.access) {
    access.push_back({{"type", a.type}, {"name", a.name}, {"actions", a.actions}});
  }
  nlohmann::json body = {{"iss", claims.issuer},        {"sub", claims.subject},
                         {"aud", claims.audience},      {"iat", claims.issued_at},
                         {"nbf", claims.issued_at - 1}, {"exp", claims.expires_at},
                         {"jti", random_secret(12)},    {"access", access}};
  std::string signing_input =
      base64url_encode(to_json_text(header)) + "." + base64url_encode(to_json_text(body));
  return signing_input + "." + base64url_encode(hmac_sha256(key_, signing_input));
}

Result<TokenClaims> TokenSigner::verify(std::string_view token, std::string_view audience,
                                        int64_t now) const {
  auto first = token.find('.');
  auto second = token.rfind('.');
  if (first == std::string_view::npos || first == second) {
    return make_error(ErrorCode::kUnauthenticated, "token is not a JWT");
  }
  std::string_view signing_input = token.substr(0, second);
  auto signature = base64url_decode(token.substr(second + 1));
  if (!signature || !constant_time_equal(*signature, hmac_sha256(key_, signing_input))) {
    return make_error(ErrorCode::kUnauthenticated, "token signature is invalid");
  }
  auto header_text = base64url_decode(token.substr(0, first));
  auto body_text = base64url_decode(token.substr(first + 1, second - first - 1));
  if (!header_text || !body_text) {
    return make_error(ErrorCode::kUnauthenticated, "token is not base64url");
  }
  auto header = nlohmann::json::parse(*header_text, nullptr, false);
  auto body = nlohmann::json::parse(*body_text, nullptr, false);
  if (header.is_discarded() || body.is_discarded() || !header.is_object() || !body.is_object() ||
      header.value("alg", "") != "HS256") {
    return make_error(ErrorCode::kUnauthenticated, "token header or claims are malformed");
  }
  TokenClaims claims;
  try {
    claims.issuer = body.value("iss", "");
    claims.subject = body.value("sub", "");
    claims.audience = body.value("aud", "");
    claims.issued_at = body.value("iat", int64_t{0});
    claims.expires_at = body.value("exp", int64_t{0});
    for (const auto& a : body.value("access", nlohmann::json::array())) {
      claims.access.push_back(Access{a.value("type", ""), a.value("name", ""),
                                     a.value("actions", std::vector<std::string>{})});
    }
  } catch (const nlohmann::json::exception&) {
    return make_error(ErrorCode::kUnauthenticated, "token claims have the wrong types");
  }
  if (claims.audience != audience) {
    return make_error(ErrorCode::kUnauthenticated, "token audience \"{}\" is not this service",
                      claims.audience);
  }
  if (now >= claims.expires_at) return make_error(ErrorCode::kUnauthenticated, "token expired");
  return claims;
}

}  // namespace portcullis::registry
