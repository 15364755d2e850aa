#include "base/file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "support/temp_dir.hpp"

namespace portcullis {
namespace {

TEST(File, AtomicWriteReplacesWholeFileWithMode) {
  testing::TempDir dir;
  auto path = dir.path() / "secret";
  ASSERT_TRUE(write_file_atomic(path, "one", 0600));
  ASSERT_TRUE(write_file_atomic(path, "two", 0600));
  EXPECT_EQ(*read_file(path), "two");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temp files are left beside it.
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++entries;
  }
  EXPECT_EQ(entries, 1);
}

TEST(File, MissingFileIsNotFound) {
  auto r = read_file("/nonexistent/portcullis");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace portcullis
