// The vouch configuration: Voucher's keys, paths from the file's directory, errors by field.
#include <gtest/gtest.h>

#include "base/file.hpp"
#include "pipeline/voucher.hpp"
#include "support/temp_dir.hpp"

namespace portcullis::pipeline {
namespace {

Result<VoucherConfig> load(const testing::TempDir& dir, const std::string& yaml) {
  auto path = dir.path() / "vouch.yaml";
  EXPECT_TRUE(write_file_atomic(path, yaml, 0644));
  return load_voucher_config(path);
}

std::string message(const Result<VoucherConfig>& r) { return r ? "(loaded)" : r.error().message(); }

TEST(VoucherConfig, ReadsEveryKey) {
  testing::TempDir dir;
  auto c = load(dir,
                "checks: [snakeoil, nobody, diy, provenance, approved, policy]\n"
                "dryrun: true\nfailon: critical\ndb: data/vuln.db\n"
                "valid_repos: [registry.example/stage/]\n"
                "trusted_builder_attestors: [builder]\n"
                "trusted_source_repos: [https://github.com/example/]\n"
                "approved_attestors: [review, qa]\npolicy: /etc/p.yaml\nattestors: a.yaml\n"
                "platform: linux/arm64\n"
                "keys:\n  snakeoil: k/snakeoil.key\n"
                "  nobody: {path: nobody.key, algorithm: ECDSA_P384_SHA384}\n");
  ASSERT_TRUE(c) << c.error().what();
  EXPECT_EQ(c->checks.size(), 6u);
  EXPECT_TRUE(c->dryrun);
  EXPECT_EQ(c->failon, policy::Severity::kCritical);
  EXPECT_EQ(*c->db, dir.path() / "data/vuln.db");  // relative to the file
  EXPECT_EQ(*c->policy, "/etc/p.yaml");
  EXPECT_EQ(*c->attestors, dir.path() / "a.yaml");
  EXPECT_EQ(c->approved_attestors, (std::vector<std::string>{"review", "qa"}));
  EXPECT_EQ(c->platform, "linux/arm64");
  EXPECT_EQ(c->keys.at("snakeoil").path, dir.path() / "k/snakeoil.key");
  EXPECT_EQ(c->keys.at("nobody").algorithm, "ECDSA_P384_SHA384");
}

TEST(VoucherConfig, VouchersChecksTable) {
  testing::TempDir dir;
  auto c = load(dir, "checks:\n  diy: true\n  nobody: false\n  snakeoil: true\n");
  ASSERT_TRUE(c) << c.error().what();
  EXPECT_EQ(c->checks, (std::vector<std::string>{"diy", "snakeoil"}));
}

TEST(VoucherConfig, ErrorsNameFileAndField) {
  testing::TempDir dir;
  std::string file = (dir.path() / "vouch.yaml").string();
  EXPECT_EQ(message(load(dir, "checks: [nobody]\ncolour: red\n")),
            file + ": colour: unknown field");
  EXPECT_EQ(message(load(dir, "checks: [nobody, snakeoyl]\n")),
            file +
                ": checks[1]: unknown check \"snakeoyl\" (checks: snakeoil, nobody, diy, "
                "provenance, approved, policy)");
  EXPECT_NE(message(load(dir, "checks: [nobody]\nfailon: hgih\n")).find(": failon: \"hgih\""),
            std::string::npos);
  EXPECT_NE(message(load(dir, "checks: [nobody]\nkeys:\n  nobody: {path: k, algorithm: MD5}\n"))
                .find("keys.nobody.algorithm"),
            std::string::npos);
  EXPECT_NE(message(load(dir, "checks: [nobody]\ndryrun: maybe\n")).find("dryrun"),
            std::string::npos);
  EXPECT_NE(message(load(dir, "checks: []\n")).find("no check is enabled"), std::string::npos);
  EXPECT_NE(
      message(load(dir, "checks: [nobody]\nvalid_repos: x\n")).find("valid_repos: expected a list"),
      std::string::npos);
}

}  // namespace
}  // namespace portcullis::pipeline
