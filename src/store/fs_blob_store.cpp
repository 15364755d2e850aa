// Filesystem BlobStore implementation.
#include "store/fs_blob_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/file.hpp"

namespace portcullis::store {
namespace fs = std::filesystem;
namespace {

class FileBlobReader final : public BlobReader {
 public:
  FileBlobReader(UniqueFd fd, int64_t size) : fd_(std::move(fd)), size_(size) {}
  int64_t size() const override { return size_; }
  int native_fd() const override { return fd_.get(); }
  Result<size_t> read_at(int64_t offset, std::span<std::byte> buffer) override {
    for (;;) {
      ssize_t n = ::pread(fd_.get(), buffer.data(), buffer.size(), offset);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return make_error(ErrorCode::kIo, "pread: {}", std::strerror(errno));
    }
  }

 private:
  UniqueFd fd_;
  int64_t size_;
};

class FileUploadWriter final : public UploadWriter {
 public:
  FileUploadWriter(UniqueFd fd, int64_t size) : fd_(std::move(fd)), size_(size) {}
  Status append(std::span<const std::byte> bytes) override {
    auto status = write_all(fd_.get(), bytes);
    if (status) size_ += static_cast<int64_t>(bytes.size());
    return status;
  }
  int64_t size() const override { return size_; }

 private:
  UniqueFd fd_;
  int64_t size_;
};

bool is_upload_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-')) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<FsBlobStore>> FsBlobStore::open(const fs::path& root) {
  std::error_code ec;
  for (const char* sub : {"blobs/sha256", "blobs/sha512", "uploads"}) {
    fs::create_directories(root / sub, ec);
    if (ec) return make_error(ErrorCode::kIo, "create {}: {}", (root / sub).string(), ec.message());
  }
  return std::unique_ptr<FsBlobStore>(new FsBlobStore(root));
}

fs::path FsBlobStore::blob_path(const Digest& digest) const {
  return root_ / "blobs" / std::string(to_string(digest.algorithm())) / digest.hex().substr(0, 2) /
         digest.hex();
}

Result<fs::path> FsBlobStore::upload_path(std::string_view id) const {
  if (!is_upload_id(id)) {
    return make_error(ErrorCode::kInvalidArgument, "upload id \"{}\" is malformed",
                      id.substr(0, 80));
  }
  return root_ / "uploads" / std::string(id);
}

Result<std::unique_ptr<BlobReader>> FsBlobStore::open(const Digest& digest) {
  auto path = blob_path(digest);
  auto fd = open_read(path);
  if (!fd) {
    if (fd.error().code() == ErrorCode::kNotFound) {
      return make_error(ErrorCode::kNotFound, "blob {} is not stored", digest.str());
    }
    return fd.error();
  }
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return errno_error("stat", path);
  return std::unique_ptr<BlobReader>(new FileBlobReader(std::move(*fd), st.st_size));
}

Result<int64_t> FsBlobStore::size_of(const Digest& digest) {
  struct stat st {};
  auto path = blob_path(digest);
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT)
      return make_error(ErrorCode::kNotFound, "blob {} is not stored", digest.str());
    return errno_error("stat", path);
  }
  return static_cast<int64_t>(st.st_size);
}

Status FsBlobStore::remove(const Digest& digest) {
  auto path = blob_path(digest);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errno_error("unlink", path);
  return Ok{};
}

Status FsBlobStore::for_each(const std::function<void(const StoredBlob&)>& visit) {
  std::error_code ec;
  for (const char* alg : {"sha256", "sha512"}) {
    for (auto it = fs::recursive_directory_iterator(root_ / "blobs" / alg, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      auto digest = Digest::parse(std::string(alg) + ":" + it->path().filename().string());
      if (!digest) continue;  // a stray file (never a committed blob): not ours to report
      struct stat st {};
      if (::stat(it->path().c_str(), &st) != 0) continue;  // removed meanwhile
      auto modified = std::chrono::system_clock::from_time_t(st.st_mtime);
      visit(StoredBlob{*digest, static_cast<int64_t>(st.st_size), modified});
    }
    if (ec) return make_error(ErrorCode::kIo, "listing blobs: {}", ec.message());
  }
  return Ok{};
}

Status FsBlobStore::create_upload(std::string_view id) {
  auto path = upload_path(id);
  if (!path) return path.error();
  int fd = ::open(path->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error("create", *path);
  ::close(fd);
  return Ok{};
}

Result<std::unique_ptr<UploadWriter>> FsBlobStore::append_upload(std::string_view id) {
  auto path = upload_path(id);
  if (!path) return path.error();
  int fd = ::open(path->c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return errno_error("open upload", *path);
  UniqueFd owned(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return errno_error("stat", *path);
  return std::unique_ptr<UploadWriter>(new FileUploadWriter(std::move(owned), st.st_size));
}

Result<int64_t> FsBlobStore::upload_size(std::string_view id) {
  auto path = upload_path(id);
  if (!path) return path.error();
  struct stat st {};
  if (::stat(path->c_str(), &st) != 0) return errno_error("stat upload", *path);
  return static_cast<int64_t>(st.st_size);
}

Result<int64_t> FsBlobStore::commit_upload(std::string_view id, const Digest& expected,
                                           const Digest* known) {
  auto path = upload_path(id);
  if (!path) return path.error();
  Digest actual = expected;
  if (known == nullptr || known->algorithm() != expected.algorithm()) {
    auto hashed = digest_file(*path, expected.algorithm());
    if (!hashed) return hashed.error();
    actual = *hashed;
  } else {
    actual = *known;
  }
  if (actual != expected) {
    (void)remove_upload(id);
    return make_error(ErrorCode::kInvalidArgument,
                      "upload content has digest {}, not the {} the client gave", actual.str(),
                      expected.str());
  }
  auto fd = open_read(*path);
  if (!fd) return fd.error();
  struct stat st {};
  if (::fstat(fd->get(), &st) != 0) return errno_error("stat", *path);
  if (::fsync(fd->get()) != 0) return errno_error("fsync", *path);
  auto target = blob_path(expected);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec)
    return make_error(ErrorCode::kIo, "create {}: {}", target.parent_path().string(), ec.message());
  // A blob with this digest may already exist (same content): the rename replaces it atomically.
  if (::rename(path->c_str(), target.c_str()) != 0) return errno_error("rename", *path);
  auto synced = fsync_directory(target.parent_path());
  if (!synced) return synced.error();
  return static_cast<int64_t>(st.st_size);
}

Status FsBlobStore::remove_upload(std::string_view id) {
  auto path = upload_path(id);
  if (!path) return path.error();
  if (::unlink(path->c_str()) != 0 && errno != ENOENT) return errno_error("unlink", *path);
  return Ok{};
}

}  // namespace portcullis::store
