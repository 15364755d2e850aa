// Authentication (HTTP Basic, bearer tokens) and authorization for registry requests, and the
// token endpoint of the Docker token flow.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/message.hpp"
#include "registry/permissions.hpp"
#include "registry/token.hpp"
#include "store/metadata_store.hpp"

namespace portcullis::registry {

struct AuthOptions {
  bool enabled = true;
  bool anonymous_pull = false;
  std::string realm;  // token endpoint URL; empty: derived from the request's Host
  std::string service = "portcullis";
  std::chrono::seconds token_ttl{300};
};

struct Identity {
  std::string user;  // empty: anonymous
  bool is_admin = false;
  bool from_token = false;
  std::vector<Access> token_access;  // what a bearer token grants
};

class Authenticator {
 public:
  Authenticator(AuthOptions options, store::MetadataStore& metadata, TokenSigner signer);

  const AuthOptions& options() const { return options_; }

  // The caller's identity: anonymous when there are no credentials; an error (401) when the
  // credentials are wrong.
  Result<Identity> identify(const http::Request& request);
  // What the identity may do on a repository.
  unsigned allowed(const Identity& identity, std::string_view repository);
  // Actions a user's stored grants give (ignores tokens).
  unsigned granted_to_user(const Identity& identity, std::string_view repository);
  bool may_list_catalog(const Identity& identity) const;

  // An in-memory admin account for the server's own requests to itself (the pipeline's checks
  // read images and push attestations over HTTP); never stored, gone at exit.
  void add_service_account(const std::string& user, const std::string& secret);
  // The user named by Basic credentials (valid or not), for the audit log.
  static std::string claimed_user(const http::Request& request);

  // WWW-Authenticate for a 401.
  std::string challenge(const http::Request& request, std::string_view scope) const;
  // GET /token: a JWT for the requested scopes, limited to what the caller may do.
  http::Response issue_token(const http::Request& request);

 private:
  Result<Identity> verify_basic(std::string_view credentials);

  AuthOptions options_;
  store::MetadataStore& metadata_;
  TokenSigner signer_;

  // Verified Basic credentials, so argon2id runs once per user per minute, not per request.
  struct CachedLogin {
    std::string password_digest;
    bool is_admin;
    std::chrono::steady_clock::time_point expires;
  };
  std::unordered_map<std::string, std::string> service_accounts_;  // user -> secret digest
  std::mutex cache_mutex_;
  std::unordered_map<std::string, CachedLogin> cache_;
};

}  // namespace portcullis::registry
