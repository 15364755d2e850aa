// File helpers: owned descriptors, full reads and writes, durable atomic replacement.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace portcullis {

// An owned POSIX file descriptor.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = other.release();
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset();

 private:
  int fd_ = -1;
};

Result<UniqueFd> open_read(const std::filesystem::path& path);
// Opens for appending, creating the file with `mode` when it does not exist.
Result<UniqueFd> open_append(const std::filesystem::path& path, int mode = 0644);

// Reads up to buffer.size() bytes, retrying on EINTR; 0 means end of file.
Result<size_t> read_some(int fd, std::span<std::byte> buffer);
Status write_all(int fd, std::span<const std::byte> bytes);
inline Status write_all(int fd, std::string_view bytes) {
  return write_all(fd, std::as_bytes(std::span(bytes.data(), bytes.size())));
}

Result<std::string> read_file(const std::filesystem::path& path);

// Flushes a directory entry so a rename or create in it survives a crash.
Status fsync_directory(const std::filesystem::path& directory);
// Flushes a file's data, e.g. before renaming it into place.
Status fsync_file(const std::filesystem::path& file);

// Writes `content` to a temp file beside `path`, fsyncs it, renames it over `path` and fsyncs
// the directory: readers see the old file or the new one, never a part.
Status write_file_atomic(const std::filesystem::path& path, std::string_view content,
                         int mode = 0644);

// Error for the current errno, naming the operation and path.
Error errno_error(std::string_view operation, const std::filesystem::path& path);

}  // namespace portcullis
