// Error bodies as distribution-spec "Error Codes" defines them.
#include "registry/errors.hpp"

#include <nlohmann/json.hpp>

#include "base/json_text.hpp"

namespace portcullis::registry {

std::string_view error_code_name(RegistryError error) {
  switch (error) {
    case RegistryError::kBlobUnknown:
      return "BLOB_UNKNOWN";
    case RegistryError::kBlobUploadInvalid:
      return "BLOB_UPLOAD_INVALID";
    case RegistryError::kBlobUploadUnknown:
      return "BLOB_UPLOAD_UNKNOWN";
    case RegistryError::kDigestInvalid:
      return "DIGEST_INVALID";
    case RegistryError::kManifestBlobUnknown:
      return "MANIFEST_BLOB_UNKNOWN";
    case RegistryError::kManifestInvalid:
      return "MANIFEST_INVALID";
    case RegistryError::kManifestUnknown:
      return "MANIFEST_UNKNOWN";
    case RegistryError::kNameInvalid:
      return "NAME_INVALID";
    case RegistryError::kNameUnknown:
      return "NAME_UNKNOWN";
    case RegistryError::kSizeInvalid:
      return "SIZE_INVALID";
    case RegistryError::kTagInvalid:
      return "TAG_INVALID";
    case RegistryError::kUnauthorized:
      return "UNAUTHORIZED";
    case RegistryError::kDenied:
      return "DENIED";
    case RegistryError::kUnsupported:
      return "UNSUPPORTED";
    case RegistryError::kRangeInvalid:
      return "BLOB_UPLOAD_INVALID";
    case RegistryError::kPaginationInvalid:
      return "PAGINATION_NUMBER_INVALID";
    case RegistryError::kTooLarge:
      return "SIZE_INVALID";
    case RegistryError::kNotFound:
      return "NOT_FOUND";
    case RegistryError::kInternal:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

unsigned error_status(RegistryError error) {
  switch (error) {
    case RegistryError::kBlobUnknown:
    case RegistryError::kBlobUploadUnknown:
    case RegistryError::kManifestUnknown:
    case RegistryError::kNameUnknown:
    case RegistryError::kNotFound:
      return 404;
    case RegistryError::kUnauthorized:
      return 401;
    case RegistryError::kDenied:
      return 403;
    case RegistryError::kUnsupported:
      return 405;
    case RegistryError::kRangeInvalid:
      return 416;
    case RegistryError::kTooLarge:
      return 413;
    case RegistryError::kInternal:
      return 500;
    default:
      return 400;
  }
}

http::Response error_response(RegistryError error, std::string_view message,
                              std::string_view detail_json) {
  nlohmann::json entry = {{"code", error_code_name(error)}, {"message", message}};
  if (!detail_json.empty()) {
    auto detail = nlohmann::json::parse(detail_json, nullptr, false);
    if (!detail.is_discarded()) entry["detail"] = detail;
  }
  http::Response res;
  res.status = error_status(error);
  res.body = to_json_text(nlohmann::json{{"errors", nlohmann::json::array({entry})}});
  res.set("Content-Type", "application/json");
  return res;
}

}  // namespace portcullis::registry
