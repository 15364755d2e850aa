// The audit log: one JSON object per line, rotated past its size, the oldest dropped.
#include "admit/audit_log.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace portcullis::admit {
namespace {

std::vector<nlohmann::json> lines(const std::filesystem::path& p) {
  std::vector<nlohmann::json> out;
  std::ifstream in(p);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(AuditLog, RotatesAndKeepsTheNewest) {
  testing::TempDir dir;
  auto path = (dir.path() / "audit.jsonl").string();
  AuditLog log(path, 100, 2);
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(log.write({{"n", i}, {"pad", "0123456789012345678901234567890"}}));
  }
  // Each line is ~50 bytes: two per file; the current file and two rotated ones are kept.
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::exists(path + ".1"));
  EXPECT_TRUE(std::filesystem::exists(path + ".2"));
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));
  auto current = lines(path);
  ASSERT_FALSE(current.empty());
  EXPECT_EQ(current.back()["n"], 11);
  auto older = lines(path + ".1");
  ASSERT_FALSE(older.empty());
  EXPECT_LT(older.back()["n"].get<int>(), current.front()["n"].get<int>());
  for (const auto& f : {path, path + ".1", path + ".2"}) {
    EXPECT_LE(std::filesystem::file_size(f), 100u) << f;
  }
}

TEST(AuditLog, AppendsAcrossInstances) {
  testing::TempDir dir;
  auto path = (dir.path() / "a.jsonl").string();
  ASSERT_TRUE(AuditLog(path, 0, 0).write({{"n", 1}}));
  ASSERT_TRUE(AuditLog(path, 0, 0).write({{"n", 2}}));
  EXPECT_EQ(lines(path).size(), 2u);
}

}  // namespace
}  // namespace portcullis::admit
