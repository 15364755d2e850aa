// Request and Response as handlers see them: headers parsed, bodies streamed.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace portcullis::http {

namespace beast_http = boost::beast::http;
using Verb = beast_http::verb;

// Streams a request body from the connection; read() returns 0 at its end.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  virtual Result<size_t> read(std::span<std::byte> buffer) = 0;
  // Content-Length when the client sent one (not for chunked transfer encoding).
  virtual std::optional<uint64_t> content_length() const = 0;
};

struct Request {
  Verb method = Verb::unknown;
  std::string path;                                        // percent-decoded, without the query
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  const beast_http::fields* headers = nullptr;
  BodyReader* body = nullptr;
  std::string remote;      // peer address
  std::string request_id;  // for logs and error bodies
  bool tls = false;

  std::string_view header(beast_http::field name) const;
  std::string_view header(std::string_view name) const;
  // The first value of a query parameter, if present.
  std::optional<std::string_view> query_param(std::string_view name) const;
  // Reads the whole body, failing when it exceeds `limit` bytes.
  Result<std::string> read_body(size_t limit) const;
};

// A response body the server sends from a file descriptor (sendfile) or by reads.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual int native_fd() const = 0;  // -1 when reads must be used
  virtual Result<size_t> read_at(int64_t offset, std::span<std::byte> buffer) = 0;
};

struct Response {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // used when `source` is null
  std::unique_ptr<BodySource> source;
  int64_t source_offset = 0;
  int64_t source_length = 0;
  // Content-Length to announce without sending a body (HEAD).
  std::optional<uint64_t> head_length;

  Response& set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

std::string url_decode(std::string_view text);
std::string url_encode(std::string_view text);

}  // namespace portcullis::http
