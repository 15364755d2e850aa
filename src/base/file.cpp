// File helpers over POSIX calls.
#include "base/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace portcullis {

void UniqueFd::reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Error errno_error(std::string_view operation, const std::filesystem::path& path) {
  int err = errno;
  return make_error(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo, "{} {}: {}", operation,
                    path.string(), std::strerror(err));
}

Result<UniqueFd> open_read(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error("open", path);
  return UniqueFd(fd);
}

Result<UniqueFd> open_append(const std::filesystem::path& path, int mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode);
  if (fd < 0) return errno_error("open", path);
  return UniqueFd(fd);
}

Result<size_t> read_some(int fd, std::span<std::byte> buffer) {
  for (;;) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return make_error(ErrorCode::kIo, "read: {}", std::strerror(errno));
  }
}

Status write_all(int fd, std::span<const std::byte> bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(ErrorCode::kIo, "write: {}", std::strerror(errno));
    }
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return Ok{};
}

Result<std::string> read_file(const std::filesystem::path& path) {
  auto fd = open_read(path);
  if (!fd) return fd.error();
  std::string out;
  std::byte buffer[1 << 14];
  for (;;) {
    auto n = read_some(fd->get(), buffer);
    if (!n) return n.error().context("reading {}", path.string());
    if (*n == 0) break;
    out.append(reinterpret_cast<const char*>(buffer), *n);
  }
  return out;
}

Status fsync_directory(const std::filesystem::path& directory) {
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_error("open directory", directory);
  UniqueFd owned(fd);
  if (::fsync(fd) != 0) return errno_error("fsync", directory);
  return Ok{};
}

Status fsync_file(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error("open", file);
  UniqueFd owned(fd);
  if (::fsync(fd) != 0) return errno_error("fsync", file);
  return Ok{};
}

Status write_file_atomic(const std::filesystem::path& path, std::string_view content, int mode) {
  std::random_device random;
  auto temp = path;
  temp += ".tmp-" + std::to_string(random());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return errno_error("create", temp);
  UniqueFd owned(fd);
  auto cleanup_on_error = [&](Error error) -> Status {
    ::unlink(temp.c_str());
    return error;
  };
  if (auto written = write_all(fd, content); !written) {
    return cleanup_on_error(written.error().context("writing {}", temp.string()));
  }
  if (::fchmod(fd, static_cast<mode_t>(mode)) != 0)
    return cleanup_on_error(errno_error("chmod", temp));
  if (::fsync(fd) != 0) return cleanup_on_error(errno_error("fsync", temp));
  if (::rename(temp.c_str(), path.c_str()) != 0)
    return cleanup_on_error(errno_error("rename", temp));
  return fsync_directory(path.parent_path().empty() ? "." : path.parent_path());
}

}  // namespace portcullis
