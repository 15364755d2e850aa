// A client for one repository of a registry (distribution-spec): the URL scheme (HTTPS, or plain
// HTTP for test registries when TLS verification is off, as skopeo does), and answers to 401
// challenges — Basic credentials, or a bearer token from the realm for the actions asked for
// (Docker token authentication).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "http/client.hpp"

namespace portcullis::http {

struct RegistryEndpoint {
  std::string host;        // API host[:port]: "registry-1.docker.io", "127.0.0.1:5000"
  std::string repository;  // "library/debian"
  std::string username;    // empty: anonymous
  std::string password;
  bool tls_verify = true;
  std::string actions = "pull";  // token scope actions: "pull" or "pull,push"
  std::string location;          // how errors name it (the user's reference)
  long timeout_seconds = 300;    // per request, connection included
  std::optional<std::chrono::steady_clock::time_point> deadline;  // for every request
};

class RegistryClient {
 public:
  explicit RegistryClient(RegistryEndpoint endpoint);

  // Sends `request` (its url a path below the host, "/v2/..."), authenticating on a 401 once.
  Result<ClientResponse> send(const ClientRequest& request);
  // "https://host" or "http://host", decided on first use.
  Result<std::string> base();
  // The Authorization header of the current credentials, if any.
  std::vector<std::pair<std::string, std::string>> auth_headers() const;
  // Answers a WWW-Authenticate challenge (for streamed requests made elsewhere).
  Status authenticate(std::string_view challenge);
  // An error for an unexpected response, naming what was asked.
  Error http_error(const ClientResponse& res, const std::string& what) const;

  const RegistryEndpoint& endpoint() const { return endpoint_; }

 private:
  RegistryEndpoint endpoint_;
  std::unique_ptr<Client> client_;
  std::string base_;
  std::string authorization_;
};

}  // namespace portcullis::http
