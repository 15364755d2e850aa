// The HTTP/1.1 server: Boost.Beast over blocking sockets, one thread per connection (bounded),
// streaming request bodies, sendfile(2) for file bodies on plain TCP, TLS, graceful drain.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "base/result.hpp"
#include "http/message.hpp"

namespace portcullis::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5000;  // 0 picks a free port
  std::string tls_cert;  // PEM files; TLS is on when both are set
  std::string tls_key;
  int max_connections = 1024;
  std::chrono::seconds idle_timeout{60};
  // sendfile(2) for file bodies on plain TCP. Off by default: on loopback here, 256 KiB
  // read/write copies served skopeo pulls ~8% faster than sendfile (bench/README.md).
  bool sendfile = false;
};

// Called once per request after the response was written.
struct Exchange {
  const Request* request;
  unsigned status;
  uint64_t bytes_in;
  uint64_t bytes_out;
  std::chrono::nanoseconds duration;
};

using Handler = std::function<Response(Request&)>;
using Observer = std::function<void(const Exchange&)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler, Observer observer = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; after this, port() is the bound port.
  Status listen();
  uint16_t port() const { return bound_port_; }
  // Accepts until shutdown() is called; returns when every connection has closed or the drain
  // deadline passed.
  void run();
  // Stops accepting, closes idle keep-alive connections, lets in-flight requests finish within
  // `drain` and then closes what is left. Safe to call from any thread.
  void shutdown(std::chrono::seconds drain = std::chrono::seconds(30));

  int active_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint16_t bound_port_ = 0;
};

}  // namespace portcullis::http
