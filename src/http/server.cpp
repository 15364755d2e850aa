// Server implementation: accept loop, per-connection sessions, the reaper that closes idle
// connections (timeouts and drain).
#include "http/server.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstring>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include "base/log.hpp"

namespace portcullis::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr size_t kMaxDrainBytes = 1 << 20;
constexpr size_t kReadBufferBytes = 256 * 1024;
constexpr int64_t kSendfileChunk = 1 << 20;
constexpr size_t kCopyChunk = 256 * 1024;

struct Connection {
  int fd = -1;
  std::atomic<bool> idle{true};
  std::atomic<int64_t> last_activity_ms{0};
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
      .count();
}

std::string make_request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{:016x}", random());
}

void split_target(std::string_view target, Request& req) {
  auto q = target.find('?');
  req.path = url_decode(target.substr(0, q));
  if (q == std::string_view::npos) return;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (!pair.empty()) {
      req.query.emplace_back(url_decode(pair.substr(0, eq)),
                             eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1)));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

template <typename Stream>
class StreamBodyReader final : public BodyReader {
 public:
  StreamBodyReader(Stream& stream, boost::beast::flat_buffer& buffer,
                   bhttp::request_parser<bhttp::buffer_body>& parser)
      : stream_(stream), buffer_(buffer), parser_(parser) {}

  Result<size_t> read(std::span<std::byte> out) override {
    while (!parser_.is_done()) {
      auto& body = parser_.get().body();
      body.data = out.data();
      body.size = out.size();
      boost::system::error_code ec;
      bhttp::read_some(stream_, buffer_, parser_, ec);
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) return make_error(ErrorCode::kIo, "reading request body: {}", ec.message());
      size_t produced = out.size() - body.size;
      if (produced > 0) {
        bytes_ += produced;
        return produced;
      }
    }
    return size_t{0};
  }

  std::optional<uint64_t> content_length() const override {
    auto length = parser_.content_length();
    if (length) return *length;
    return std::nullopt;
  }

  uint64_t bytes() const { return bytes_; }

 private:
  Stream& stream_;
  boost::beast::flat_buffer& buffer_;
  bhttp::request_parser<bhttp::buffer_body>& parser_;
  uint64_t bytes_ = 0;
};

template <typename Stream>
constexpr bool kIsPlainTcp = std::is_same_v<Stream, tcp::socket>;

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  Observer observer;
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::ssl::context> ssl;

  mutable std::mutex mutex;
  std::condition_variable changed;
  std::set<std::shared_ptr<Connection>> connections;
  std::atomic<bool> stopping{false};
  std::atomic<int64_t> drain_deadline_ms{0};

  void session(tcp::socket socket);
  template <typename Stream>
  void serve(Stream& stream, Connection& connection, const std::string& remote);
  template <typename Stream>
  uint64_t write_response(Stream& stream, Response& res, bool keep_alive,
                          boost::system::error_code& ec);
  void reap();
};

Server::Server(ServerOptions options, Handler handler, Observer observer)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->observer = std::move(observer);
}

Server::~Server() {
  if (!impl_->stopping) shutdown(std::chrono::seconds(0));
}

int Server::active_connections() const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<int>(impl_->connections.size());
}

Status Server::listen() {
  auto& o = impl_->options;
  if (!o.tls_cert.empty() || !o.tls_key.empty()) {
    if (o.tls_cert.empty() || o.tls_key.empty()) {
      return make_error(ErrorCode::kInvalidArgument, "TLS needs both --tls-cert and --tls-key");
    }
    impl_->ssl.emplace(asio::ssl::context::tls_server);
    boost::system::error_code ec;
    impl_->ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                            asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                            asio::ssl::context::no_tlsv1_1);
    impl_->ssl->use_certificate_chain_file(o.tls_cert, ec);
    if (ec)
      return make_error(ErrorCode::kInvalidArgument, "TLS certificate {}: {}", o.tls_cert,
                        ec.message());
    impl_->ssl->use_private_key_file(o.tls_key, asio::ssl::context::pem, ec);
    if (ec)
      return make_error(ErrorCode::kInvalidArgument, "TLS key {}: {}", o.tls_key, ec.message());
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  if (ec)
    return make_error(ErrorCode::kInvalidArgument, "listen address \"{}\": {}", o.host,
                      ec.message());
  tcp::endpoint endpoint(address, o.port);
  impl_->acceptor.emplace(impl_->io);
  impl_->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor->bind(endpoint, ec);
  if (!ec) impl_->acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(ErrorCode::kIo, "listen on {}:{}: {}", o.host, o.port, ec.message());
  }
  bound_port_ = impl_->acceptor->local_endpoint().port();
  return Ok{};
}

void Server::run() {
  std::thread reaper([this] { impl_->reap(); });
  while (!impl_->stopping) {
    tcp::socket socket(impl_->io);
    boost::system::error_code ec;
    impl_->acceptor->accept(socket, ec);
    if (ec) {
      if (impl_->stopping) break;
      if (ec == asio::error::no_descriptors)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    {
      std::lock_guard lock(impl_->mutex);
      if (static_cast<int>(impl_->connections.size()) >= impl_->options.max_connections) {
        static constexpr std::string_view kBusy =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        asio::write(socket, asio::buffer(kBusy), ec);
        continue;
      }
    }
    std::thread([this, s = std::move(socket)]() mutable { impl_->session(std::move(s)); }).detach();
  }
  {
    std::unique_lock lock(impl_->mutex);
    impl_->changed.wait(lock, [&] { return impl_->connections.empty(); });
  }
  reaper.join();
}

void Server::shutdown(std::chrono::seconds drain) {
  impl_->drain_deadline_ms =
      now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(drain).count();
  impl_->stopping = true;
  if (impl_->acceptor && impl_->acceptor->is_open()) {
    // Wakes the blocked accept(); the descriptor itself is closed with the acceptor.
    ::shutdown(impl_->acceptor->native_handle(), SHUT_RDWR);
  }
  impl_->changed.notify_all();
}

void Server::Impl::reap() {
  for (;;) {
    {
      std::unique_lock lock(mutex);
      changed.wait_for(lock, std::chrono::milliseconds(200));
      if (stopping && connections.empty()) return;
      int64_t now = now_ms();
      int64_t idle_limit =
          std::chrono::duration_cast<std::chrono::milliseconds>(options.idle_timeout).count();
      for (const auto& c : connections) {
        bool expired_idle = c->idle && (stopping || now - c->last_activity_ms > idle_limit);
        bool past_deadline = stopping && now > drain_deadline_ms;
        if (expired_idle || past_deadline) ::shutdown(c->fd, SHUT_RDWR);
      }
    }
  }
}

void Server::Impl::session(tcp::socket socket) {
  auto connection = std::make_shared<Connection>();
  connection->fd = socket.native_handle();
  connection->last_activity_ms = now_ms();
  {
    std::lock_guard lock(mutex);
    connections.insert(connection);
  }
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto endpoint = socket.remote_endpoint(ec);
  std::string remote = ec ? "" : endpoint.address().to_string();
  if (ssl) {
    asio::ssl::stream<tcp::socket&> stream(socket, *ssl);
    connection->idle = true;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (!ec) {
      serve(stream, *connection, remote);
      stream.shutdown(ec);
    }
  } else {
    serve(socket, *connection, remote);
  }
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
  {
    std::lock_guard lock(mutex);
    connections.erase(connection);
  }
  changed.notify_all();
}

template <typename Stream>
void Server::Impl::serve(Stream& stream, Connection& connection, const std::string& remote) {
  boost::beast::flat_buffer buffer;
  // Beast reads at most the buffer's free capacity (at least 512 bytes): without room, a
  // large body arrives in 512-byte reads.
  buffer.reserve(kReadBufferBytes);
  for (;;) {
    connection.idle = true;
    connection.last_activity_ms = now_ms();
    if (stopping && buffer.size() == 0) return;
    bhttp::request_parser<bhttp::buffer_body> parser;
    parser.body_limit(std::numeric_limits<uint64_t>::max());
    parser.header_limit(64 * 1024);
    boost::system::error_code ec;
    bhttp::read_header(stream, buffer, parser, ec);
    if (ec) {
      // A malformed request (not a closed connection) gets a 400 before the close.
      bool parse_error =
          ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
          ec != bhttp::error::end_of_stream;
      if (parse_error) {
        static constexpr std::string_view kBad =
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        asio::write(stream, asio::buffer(kBad), ec);
      }
      return;
    }
    connection.idle = false;
    auto started = Clock::now();
    auto& message = parser.get();

    Request req;
    req.method = message.method();
    split_target(message.target(), req);
    req.headers = &message.base();
    req.remote = remote;
    req.tls = !kIsPlainTcp<Stream>;
    auto forwarded_id = message["X-Request-Id"];
    req.request_id = forwarded_id.empty() || forwarded_id.size() > 64 ? make_request_id()
                                                                      : std::string(forwarded_id);
    StreamBodyReader<Stream> body(stream, buffer, parser);
    req.body = &body;

    if (boost::beast::iequals(message[bhttp::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::write(stream, asio::buffer(kContinue), ec);
      if (ec) return;
    }

    Response res;
    try {
      res = handler(req);
    } catch (const std::exception& e) {
      log::error("unhandled exception in handler",
                 {{"request_id", req.request_id}, {"error", e.what()}});
      res = Response{};
      res.status = 500;
      res.body =
          "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"internal "
          "error\",\"detail\":{\"request_id\":\"" +
          req.request_id + "\"}}]}";
      res.set("Content-Type", "application/json");
    }

    if (req.method == Verb::head && !res.source && !res.head_length) {
      // A HEAD response announces the body's length but never sends it (RFC 9110 9.3.2).
      res.head_length = res.body.size();
      res.body.clear();
    }
    bool keep_alive = message.keep_alive() && !stopping;
    // Whatever body the handler left unread must be consumed before the next request.
    if (!parser.is_done()) {
      std::byte scratch[16384];
      size_t drained = 0;
      while (drained < kMaxDrainBytes) {
        auto n = body.read(scratch);
        if (!n || *n == 0) break;
        drained += *n;
      }
      if (!parser.is_done()) keep_alive = false;
    }
    uint64_t bytes_out = write_response(stream, res, keep_alive, ec);
    if (observer) {
      observer(Exchange{&req, res.status, body.bytes(), bytes_out, Clock::now() - started});
    }
    if (ec || !keep_alive) return;
  }
}

template <typename Stream>
uint64_t Server::Impl::write_response(Stream& stream, Response& res, bool keep_alive,
                                      boost::system::error_code& ec) {
  auto fill = [&](auto& msg) {
    msg.result(res.status);
    msg.version(11);
    for (auto& [name, value] : res.headers) msg.insert(name, value);
    msg.keep_alive(keep_alive);
  };
  if (res.source) {
    bhttp::response<bhttp::empty_body> msg;
    fill(msg);
    msg.content_length(static_cast<uint64_t>(res.source_length));
    bhttp::response_serializer<bhttp::empty_body> serializer(msg);
    bhttp::write_header(stream, serializer, ec);
    if (ec) return 0;
    uint64_t sent = 0;
    int64_t offset = res.source_offset;
    int64_t remaining = res.source_length;
    int fd = options.sendfile ? res.source->native_fd() : -1;
    if constexpr (kIsPlainTcp<Stream>) {
      if (fd >= 0) {
        off_t off = offset;
        while (remaining > 0) {
          ssize_t n = ::sendfile(stream.native_handle(), fd, &off,
                                 static_cast<size_t>(std::min<int64_t>(remaining, kSendfileChunk)));
          if (n < 0 && errno == EINTR) continue;
          if (n <= 0) {
            ec = boost::system::error_code(n < 0 ? errno : EPIPE, boost::system::system_category());
            return sent;
          }
          remaining -= n;
          sent += static_cast<uint64_t>(n);
        }
        return sent;
      }
    }
    std::vector<std::byte> chunk(kCopyChunk);
    while (remaining > 0) {
      auto want =
          static_cast<size_t>(std::min<int64_t>(remaining, static_cast<int64_t>(chunk.size())));
      auto n = res.source->read_at(offset, std::span(chunk.data(), want));
      if (!n || *n == 0) {
        ec = boost::system::error_code(EIO, boost::system::system_category());
        return sent;
      }
      asio::write(stream, asio::buffer(chunk.data(), *n), ec);
      if (ec) return sent;
      offset += static_cast<int64_t>(*n);
      remaining -= static_cast<int64_t>(*n);
      sent += *n;
    }
    return sent;
  }
  if (res.head_length) {
    bhttp::response<bhttp::empty_body> msg;
    fill(msg);
    msg.content_length(*res.head_length);
    bhttp::response_serializer<bhttp::empty_body> serializer(msg);
    bhttp::write_header(stream, serializer, ec);
    return 0;
  }
  bhttp::response<bhttp::string_body> msg;
  fill(msg);
  msg.body() = std::move(res.body);
  msg.prepare_payload();
  uint64_t size = msg.body().size();
  bhttp::write(stream, msg, ec);
  return size;
}

}  // namespace portcullis::http
