// A response body pulled a chunk at a time (libcurl multi, paused while the reader is behind),
// so a layer streams from the network through decompression without touching the disk.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "base/result.hpp"
#include "http/client.hpp"

namespace portcullis::http {

class ResponseStream {
 public:
  // Starts the request and returns once the final response's headers have arrived (redirects
  // followed); the body is then read with read().
  static Result<std::unique_ptr<ResponseStream>> open(const ClientRequest& request,
                                                      const ClientOptions& options);
  ~ResponseStream();
  ResponseStream(const ResponseStream&) = delete;
  ResponseStream& operator=(const ResponseStream&) = delete;

  long status() const;
  std::string_view header(std::string_view name) const;
  // Up to buffer.size() bytes of the body; 0 at its end; an error when the transfer fails.
  Result<size_t> read(std::span<std::byte> buffer);

  struct State;

 private:
  explicit ResponseStream(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace portcullis::http
