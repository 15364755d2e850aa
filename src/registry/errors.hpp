// The distribution spec's error codes, their HTTP statuses and the JSON error body.
#pragma once

#include <string_view>

#include "http/message.hpp"

namespace portcullis::registry {

enum class RegistryError {
  kBlobUnknown,          // 404
  kBlobUploadInvalid,    // 400
  kBlobUploadUnknown,    // 404
  kDigestInvalid,        // 400
  kManifestBlobUnknown,  // 400
  kManifestInvalid,      // 400
  kManifestUnknown,      // 404
  kNameInvalid,          // 400
  kNameUnknown,          // 404
  kSizeInvalid,          // 400
  kTagInvalid,           // 400
  kUnauthorized,         // 401
  kDenied,               // 403
  kUnsupported,          // 405
  kRangeInvalid,         // 416 (BLOB_UPLOAD_INVALID code)
  kPaginationInvalid,    // 400
  kTooLarge,             // 413 (SIZE_INVALID code)
  kNotFound,             // 404 for paths outside the API
  kInternal,             // 500
};

std::string_view error_code_name(RegistryError error);
unsigned error_status(RegistryError error);

// {"errors":[{"code":..., "message":..., "detail":...}]} with the code's status.
http::Response error_response(RegistryError error, std::string_view message,
                              std::string_view detail_json = "");

}  // namespace portcullis::registry
