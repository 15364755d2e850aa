// CommitLock: orders blob commits against garbage collection across processes (flock on
// DATA/gc.lock). A commit (content rename + metadata link) holds it shared; GC holds it
// exclusively while it forgets and deletes blobs, so it never deletes content a commit is
// linking at the same moment.
#pragma once

#include <filesystem>

#include "base/file.hpp"
#include "base/result.hpp"

namespace portcullis::store {

class CommitLock {
 public:
  static Result<CommitLock> open(const std::filesystem::path& data_dir);

  class Held {
   public:
    explicit Held(int fd) : fd_(fd) {}
    ~Held();
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;

   private:
    int fd_;
  };
  Held shared() const;
  Held exclusive() const;

 private:
  explicit CommitLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace portcullis::store
