// ResponseStream over curl_multi: the write callback buffers up to kHighWater bytes and pauses
// the transfer beyond that; read() drains the buffer and resumes it.
#include "http/response_stream.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <vector>

namespace portcullis::http {
namespace {
constexpr size_t kHighWater = 1 << 20;
}  // namespace

struct ResponseStream::State {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
  curl_slist* headers = nullptr;
  std::string url;
  std::string method;
  ClientResponse response;  // headers of the final response
  bool headers_done = false;
  bool paused = false;
  bool done = false;
  CURLcode result = CURLE_OK;
  std::vector<char> pending;
  size_t offset = 0;  // consumed part of pending

  ~State() {
    if (multi && easy) curl_multi_remove_handle(multi, easy);
    if (easy) curl_easy_cleanup(easy);
    if (multi) curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
  }

  static size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* s = static_cast<State*>(user);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
      s->response.headers.clear();
      s->headers_done = false;
      // "HTTP/1.1 200 OK": the status of this (possibly intermediate) response.
      auto sp = line.find(' ');
      s->response.status =
          sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
      return size * count;
    }
    if (line == "\r\n" || line == "\n") {
      bool interim =
          s->response.status < 200 || (s->response.status >= 300 && s->response.status < 400 &&
                                       !s->response.header("location").empty());
      if (!interim) s->headers_done = true;
      return size * count;
    }
    s->response.add_header_line(line);
    return size * count;
  }

  static size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* s = static_cast<State*>(user);
    if (s->pending.size() - s->offset >= kHighWater) {
      s->paused = true;
      return CURL_WRITEFUNC_PAUSE;  // curl delivers the same bytes again after unpausing
    }
    s->pending.insert(s->pending.end(), data, data + size * count);
    return size * count;
  }

  // Runs the transfer until `ready()` or the end.
  Status pump(const std::function<bool()>& ready) {
    while (!ready() && !done) {
      if (paused && pending.size() - offset < kHighWater) {
        paused = false;
        curl_easy_pause(easy, CURLPAUSE_CONT);
      }
      int running = 0;
      CURLMcode mc = curl_multi_perform(multi, &running);
      if (mc != CURLM_OK)
        return make_error(ErrorCode::kIo, "{} {}: {}", method, url, curl_multi_strerror(mc));
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
        if (msg->msg == CURLMSG_DONE) {
          done = true;
          result = msg->data.result;
        }
      }
      if (!done && !ready() && !paused) curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    if (done && result != CURLE_OK) {
      return make_error(ErrorCode::kIo, "{} {}: {}", method, url, curl_easy_strerror(result));
    }
    return Ok{};
  }
};

ResponseStream::ResponseStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
ResponseStream::~ResponseStream() = default;

Result<std::unique_ptr<ResponseStream>> ResponseStream::open(const ClientRequest& request,
                                                             const ClientOptions& options) {
  init_curl();
  auto s = std::make_unique<State>();
  s->url = request.url;
  s->method = request.method;
  s->easy = curl_easy_init();
  s->multi = curl_multi_init();
  curl_easy_setopt(s->easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(s->easy, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(s->easy, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(s->easy, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(s->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(s->easy, CURLOPT_LOW_SPEED_TIME, options.timeout_seconds);
  curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, &State::on_header);
  curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s.get());
  curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, &State::on_body);
  curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s.get());
  if (!options.tls_verify) {
    curl_easy_setopt(s->easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(s->easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!options.ca_file.empty()) curl_easy_setopt(s->easy, CURLOPT_CAINFO, options.ca_file.c_str());
  for (const auto& [name, value] : request.headers) {
    std::string line = name;
    line += ": ";
    line += value;
    s->headers = curl_slist_append(s->headers, line.c_str());
  }
  curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
  curl_multi_add_handle(s->multi, s->easy);
  State* raw = s.get();
  auto status = raw->pump([raw] { return raw->headers_done; });
  if (!status) return status.error();
  if (!raw->headers_done) {
    return make_error(ErrorCode::kIo, "{} {}: the connection closed before a response",
                      request.method, request.url);
  }
  return std::unique_ptr<ResponseStream>(new ResponseStream(std::move(s)));
}

long ResponseStream::status() const { return state_->response.status; }

std::string_view ResponseStream::header(std::string_view name) const {
  return state_->response.header(name);
}

Result<size_t> ResponseStream::read(std::span<std::byte> buffer) {
  State* s = state_.get();
  PORTCULLIS_TRY(s->pump([s] { return s->pending.size() > s->offset; }));
  size_t available = s->pending.size() - s->offset;
  size_t n = std::min(available, buffer.size());
  std::memcpy(buffer.data(), s->pending.data() + s->offset, n);
  s->offset += n;
  if (s->offset == s->pending.size()) {
    s->pending.clear();
    s->offset = 0;
  }
  return n;
}

}  // namespace portcullis::http
