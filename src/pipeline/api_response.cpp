// JSON bodies for the server's own APIs.
#include "pipeline/api_response.hpp"

#include "base/json_text.hpp"

namespace portcullis::pipeline {

http::Response json_response(unsigned status, const nlohmann::json& body) {
  http::Response res;
  res.status = status;
  if (!body.is_null()) {
    res.body = to_json_text(body);
    res.set("Content-Type", "application/json");
  }
  return res;
}

http::Response api_error(unsigned status, std::string_view code, std::string_view message) {
  return json_response(
      status, {{"errors", nlohmann::json::array({{{"code", code}, {"message", message}}})}});
}

http::Response api_error(const Error& error) {
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kUnsupported:
    case ErrorCode::kOutOfRange:
      return api_error(400, "INVALID", error.message());
    case ErrorCode::kNotFound:
      return api_error(404, "NOT_FOUND", error.message());
    case ErrorCode::kAlreadyExists:
      return api_error(409, "ALREADY_EXISTS", error.message());
    case ErrorCode::kPermissionDenied:
    case ErrorCode::kUnauthenticated:
      return api_error(403, "DENIED", error.message());
    case ErrorCode::kIo:
    case ErrorCode::kCorrupt:
      return api_error(502, "UPSTREAM", error.message());
    default:
      return api_error(500, "INTERNAL", error.message());
  }
}

}  // namespace portcullis::pipeline
