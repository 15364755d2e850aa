// Authenticator implementation.
#include "registry/auth.hpp"

#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/encoding.hpp"
#include "base/json_text.hpp"
#include "base/log.hpp"
#include "base/time_text.hpp"
#include "registry/errors.hpp"
#include "registry/passwords.hpp"

namespace portcullis::registry {
namespace {

constexpr auto kLoginCacheTtl = std::chrono::seconds(60);

}  // namespace

Authenticator::Authenticator(AuthOptions options, store::MetadataStore& metadata,
                             TokenSigner signer)
    : options_(std::move(options)), metadata_(metadata), signer_(std::move(signer)) {}

Result<Identity> Authenticator::verify_basic(std::string_view credentials) {
  auto decoded = base64_decode(credentials);
  if (!decoded) return make_error(ErrorCode::kUnauthenticated, "Basic credentials are not base64");
  auto colon = decoded->find(':');
  if (colon == std::string::npos) {
    return make_error(ErrorCode::kUnauthenticated, "Basic credentials have no user:password");
  }
  std::string user = decoded->substr(0, colon);
  std::string_view password = std::string_view(*decoded).substr(colon + 1);
  std::string password_digest = digest_of(password).hex();
  if (auto service = service_accounts_.find(user); service != service_accounts_.end()) {
    if (constant_time_equal(service->second, password_digest))
      return Identity{user, true, false, {}};
    return make_error(ErrorCode::kUnauthenticated, "invalid username or password");
  }
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(cache_mutex_);
    auto it = cache_.find(user);
    if (it != cache_.end() && it->second.expires > now &&
        constant_time_equal(it->second.password_digest, password_digest)) {
      return Identity{user, it->second.is_admin, false, {}};
    }
  }
  auto stored = metadata_.get_user(user);
  if (!stored) return stored.error();
  if (!*stored || !verify_password((*stored)->password_hash, password)) {
    log::warn("authentication failed", {{"user", user}});
    return make_error(ErrorCode::kUnauthenticated, "invalid username or password");
  }
  std::lock_guard lock(cache_mutex_);
  cache_[user] = CachedLogin{password_digest, (*stored)->is_admin, now + kLoginCacheTtl};
  return Identity{user, (*stored)->is_admin, false, {}};
}

void Authenticator::add_service_account(const std::string& user, const std::string& secret) {
  service_accounts_[user] = digest_of(secret).hex();
}

std::string Authenticator::claimed_user(const http::Request& request) {
  std::string_view authorization = request.header(http::beast_http::field::authorization);
  if (authorization.size() <= 6 || !boost::beast::iequals(authorization.substr(0, 6), "Basic ")) {
    return "";
  }
  auto decoded = base64_decode(authorization.substr(6));
  if (!decoded) return "";
  return decoded->substr(0, decoded->find(':'));
}

Result<Identity> Authenticator::identify(const http::Request& request) {
  std::string_view authorization = request.header(http::beast_http::field::authorization);
  if (authorization.empty()) return Identity{};
  if (authorization.size() > 6 && boost::beast::iequals(authorization.substr(0, 6), "Basic ")) {
    return verify_basic(authorization.substr(6));
  }
  if (authorization.size() > 7 && boost::beast::iequals(authorization.substr(0, 7), "Bearer ")) {
    auto claims = signer_.verify(authorization.substr(7), options_.service, store::unix_now());
    if (!claims) return claims.error();
    return Identity{claims->subject, false, true, std::move(claims->access)};
  }
  return make_error(ErrorCode::kUnauthenticated, "unsupported Authorization scheme");
}

unsigned Authenticator::granted_to_user(const Identity& identity, std::string_view repository) {
  if (identity.user.empty()) return options_.anonymous_pull ? kPull : 0u;
  if (identity.is_admin) return kAllActions;
  auto user = metadata_.get_user(identity.user);
  if (!user || !*user) return 0;
  if ((*user)->is_admin) return kAllActions;
  auto grants = metadata_.grants_for(identity.user);
  if (!grants) return 0;
  unsigned actions = allowed_actions(*grants, repository);
  if (options_.anonymous_pull) actions |= kPull;
  return actions;
}

unsigned Authenticator::allowed(const Identity& identity, std::string_view repository) {
  if (!options_.enabled) return kAllActions;
  if (identity.from_token) {
    unsigned actions = 0;
    for (const auto& a : identity.token_access) {
      if (a.type != "repository" || a.name != repository) continue;
      for (const auto& name : a.actions) {
        auto parsed = parse_actions(name);
        if (parsed) actions |= *parsed;
      }
    }
    return actions;
  }
  return granted_to_user(identity, repository);
}

bool Authenticator::may_list_catalog(const Identity& identity) const {
  if (!options_.enabled) return true;
  if (identity.from_token) {
    for (const auto& a : identity.token_access) {
      if (a.type == "registry" && a.name == "catalog") return true;
    }
    return false;
  }
  return !identity.user.empty();
}

std::string Authenticator::challenge(const http::Request& request, std::string_view scope) const {
  std::string realm = options_.realm;
  if (realm.empty()) {
    realm = std::string(request.tls ? "https://" : "http://") +
            std::string(request.header(http::beast_http::field::host)) + "/token";
  }
  std::string value = fmt::format("Bearer realm=\"{}\",service=\"{}\"", realm, options_.service);
  if (!scope.empty()) value += fmt::format(",scope=\"{}\"", scope);
  return value;
}

http::Response Authenticator::issue_token(const http::Request& request) {
  auto identity = identify(request);
  if (!identity || identity->from_token) {
    auto res = error_response(
        RegistryError::kUnauthorized,
        identity ? "present a username and password, not a token" : identity.error().message());
    res.set("WWW-Authenticate", "Basic realm=\"portcullis\"");
    return res;
  }
  if (identity->user.empty() && !options_.anonymous_pull) {
    auto res = error_response(RegistryError::kUnauthorized, "authentication required");
    res.set("WWW-Authenticate", "Basic realm=\"portcullis\"");
    return res;
  }
  TokenClaims claims;
  claims.issuer = "portcullis";
  claims.subject = identity->user;
  claims.audience = options_.service;
  claims.issued_at = store::unix_now();
  claims.expires_at = claims.issued_at + options_.token_ttl.count();
  for (const auto& [key, value] : request.query) {
    if (key != "scope") continue;
    // Several scopes may share one parameter, separated by spaces.
    std::string_view scopes = value;
    while (!scopes.empty()) {
      auto space = scopes.find(' ');
      auto one = scopes.substr(0, space);
      auto access = parse_scope(one);
      if (access && access->type == "repository") {
        unsigned requested = 0;
        for (const auto& a : access->actions) {
          auto parsed = parse_actions(a);
          if (parsed) requested |= *parsed;
        }
        unsigned granted = requested & granted_to_user(*identity, access->name);
        if (granted != 0) {
          claims.access.push_back(Access{"repository", access->name, action_names(granted)});
        }
      } else if (access && access->type == "registry" && access->name == "catalog" &&
                 !identity->user.empty()) {
        claims.access.push_back(Access{"registry", "catalog", {"*"}});
      }
      if (space == std::string_view::npos) break;
      scopes.remove_prefix(space + 1);
    }
  }
  std::string token = signer_.issue(claims);
  nlohmann::json body = {{"token", token},
                         {"access_token", token},
                         {"expires_in", options_.token_ttl.count()},
                         {"issued_at", rfc3339(claims.issued_at)}};
  http::Response res;
  res.body = to_json_text(body);
  res.set("Content-Type", "application/json");
  res.set("Cache-Control", "no-store");
  return res;
}

}  // namespace portcullis::registry
