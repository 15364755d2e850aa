// JSON answers of the server's own APIs (attestors, vouch): bodies and errors in the same
// {"errors":[{"code","message"}]} shape as the distribution API.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/error.hpp"
#include "http/message.hpp"

namespace portcullis::pipeline {

http::Response json_response(unsigned status, const nlohmann::json& body);
http::Response api_error(unsigned status, std::string_view code, std::string_view message);
// The status and code an Error maps to (invalid input 400, not found 404, exists 409, ...).
http::Response api_error(const Error& error);

}  // namespace portcullis::pipeline
