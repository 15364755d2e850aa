// Request helpers and URL coding.
#include "http/message.hpp"

#include "base/encoding.hpp"

namespace portcullis::http {

std::string_view Request::header(beast_http::field name) const {
  auto it = headers->find(name);
  return it == headers->end() ? std::string_view() : it->value();
}

std::string_view Request::header(std::string_view name) const {
  auto it = headers->find(name);
  return it == headers->end() ? std::string_view() : it->value();
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

Result<std::string> Request::read_body(size_t limit) const {
  std::string out;
  if (body == nullptr) return out;
  std::byte buffer[16384];
  for (;;) {
    auto n = body->read(buffer);
    if (!n) return n.error();
    if (*n == 0) return out;
    if (out.size() + *n > limit) {
      return make_error(ErrorCode::kOutOfRange, "request body exceeds {} bytes", limit);
    }
    out.append(reinterpret_cast<const char*>(buffer), *n);
  }
}

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else if (text[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string url_encode(std::string_view text) { return percent_encode(text); }

}  // namespace portcullis::http
