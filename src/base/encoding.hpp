// Base64 (standard and URL-safe without padding, as JWTs use) and hex.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace portcullis {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
std::string hex_encode(std::string_view bytes);
// RFC 3986 percent-encoding: everything but ALPHA / DIGIT / "-" / "." / "_" / "~" and the
// characters in `also_safe`.
std::string percent_encode(std::string_view text, std::string_view also_safe = "");

}  // namespace portcullis
