// Error rendering.
#include "base/error.hpp"

namespace portcullis {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid argument";
    case ErrorCode::kNotFound:
      return "not found";
    case ErrorCode::kAlreadyExists:
      return "already exists";
    case ErrorCode::kPermissionDenied:
      return "permission denied";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kIo:
      return "i/o error";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kOutOfRange:
      return "out of range";
    case ErrorCode::kInternal:
      return "internal error";
  }
  return "unknown";
}

std::string Error::what() const {
  std::string out = message_;
  for (const Error* c = cause(); c != nullptr; c = c->cause()) {
    out += ": ";
    out += c->message();
  }
  return out;
}

}  // namespace portcullis
