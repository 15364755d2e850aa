// HTTP client over libcurl: one easy handle per Client (connections are reused).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace portcullis::http {

struct ClientRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool send_body = false;  // send `body` even when empty (PUT/POST/PATCH)
  // A streamed body of `body_size` bytes instead of `body`: called for the next bytes, returns
  // how many it wrote (0 at the end), or nullopt to abort the request.
  std::function<std::optional<size_t>(char*, size_t)> body_reader;
  int64_t body_size = -1;
};

struct ClientResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;

  // The first header with this (case-insensitive) name, or empty.
  std::string_view header(std::string_view name) const;
  // Adds one "Name: value" line of a response head (names lowercased, value trimmed); other
  // lines are ignored.
  void add_header_line(std::string_view line);
};

struct ClientOptions {
  bool tls_verify = true;
  std::string ca_file;
  long timeout_seconds = 300;
  // When set, no request runs past this point: each gets the time left (or fails at once).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  std::string basic_user;  // with basic_password: HTTP Basic on every request
  std::string basic_password;
  std::string ca_pem;           // trusted CA certificates as PEM text (kubeconfig's CA data)
  std::string client_cert_pem;  // TLS client certificate and key as PEM text
  std::string client_key_pem;
};

// Initializes libcurl once per process (every user of libcurl here calls it first).
void init_curl();

class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  Result<ClientResponse> send(const ClientRequest& request);

 private:
  ClientOptions options_;
  void* curl_;
};

}  // namespace portcullis::http
