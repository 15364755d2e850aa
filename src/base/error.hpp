// Error: what went wrong, naming the input at fault, with an optional cause chain.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <string>
#include <string_view>

namespace portcullis {

enum class ErrorCode {
  kInvalidArgument,  // malformed input: bad flag, bad digest, bad JSON
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kIo,       // filesystem or network failure
  kCorrupt,  // stored data does not match what it claims to be
  kUnsupported,
  kOutOfRange,
  kInternal,
};

std::string_view to_string(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const Error* cause() const { return cause_.get(); }

  // Wraps this error in a new one with the same code and a message giving context.
  template <typename... Args>
  Error context(fmt::format_string<Args...> format, Args&&... args) const {
    Error outer(code_, fmt::format(format, std::forward<Args>(args)...));
    outer.cause_ = std::make_shared<Error>(*this);
    return outer;
  }

  // "context: cause: root cause".
  std::string what() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::shared_ptr<const Error> cause_;
};

template <typename... Args>
Error make_error(ErrorCode code, fmt::format_string<Args...> format, Args&&... args) {
  return Error(code, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace portcullis
