// flock-based commit/GC ordering.
#include "store/commit_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>

namespace portcullis::store {

Result<CommitLock> CommitLock::open(const std::filesystem::path& data_dir) {
  auto path = data_dir / "gc.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error("open", path);
  return CommitLock(UniqueFd(fd));
}

// flock locks belong to the open file description, so each holder opens its own description
// via /proc/self/fd; two threads of one process then exclude each other like two processes.
static int lock_with(int fd, int operation) {
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  int own = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (own < 0) return -1;
  while (::flock(own, operation) != 0 && errno == EINTR) {
  }
  return own;
}

CommitLock::Held CommitLock::shared() const { return Held(lock_with(fd_.get(), LOCK_SH)); }
CommitLock::Held CommitLock::exclusive() const { return Held(lock_with(fd_.get(), LOCK_EX)); }

CommitLock::Held::~Held() {
  if (fd_ >= 0) ::close(fd_);  // closing the description releases the lock
}

}  // namespace portcullis::store
