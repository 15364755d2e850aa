// Docker registry bearer tokens: short-lived JWTs (HS256) carrying repository access claims,
// as the Docker token authentication specification describes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace portcullis::registry {

// One entry of the "access" claim, and one parsed "scope" parameter:
// "repository:stage/app:pull,push" -> {repository, stage/app, [pull, push]}.
struct Access {
  std::string type;
  std::string name;
  std::vector<std::string> actions;
};

Result<Access> parse_scope(std::string_view scope);

struct TokenClaims {
  std::string issuer;
  std::string subject;   // user name, empty for anonymous
  std::string audience;  // the service
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  std::vector<Access> access;
};

class TokenSigner {
 public:
  // Reads the HMAC key from `path`, creating it (mode 0600) on first use.
  static Result<TokenSigner> load_or_create(const std::filesystem::path& path);
  explicit TokenSigner(std::string key) : key_(std::move(key)) {}

  std::string issue(const TokenClaims& claims) const;
  // Checks signature, algorithm, audience and lifetime.
  Result<TokenClaims> verify(std::string_view token, std::string_view audience, int64_t now) const;

 private:
  std::string key_;
};

}  // namespace portcullis::registry
