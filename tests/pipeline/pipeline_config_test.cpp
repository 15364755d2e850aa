// The pipeline's sections of the server configuration: every field, rule lookup by pattern,
// placeholders, and errors that name the file and the field.
#include <gtest/gtest.h>

#include "base/file.hpp"
#include "pipeline/config.hpp"
#include "support/temp_dir.hpp"

namespace portcullis::pipeline {
namespace {

Result<PipelineConfig> load(const testing::TempDir& dir, const std::string& yaml) {
  auto path = dir.path() / "serve.yaml";
  EXPECT_TRUE(write_file_atomic(path, yaml, 0644));
  return load_pipeline_config(path);
}

std::string message(const Result<PipelineConfig>& r) {
  return r ? "(loaded)" : r.error().message();
}

TEST(PipelineConfig, ReadsEverySection) {
  testing::TempDir dir;
  ASSERT_TRUE(
      write_file_atomic(dir.path() / "strict.yaml",
                        "name: strict\nversion: \"1\"\nrules:\n  - name: r\n    action: stop\n"
                        "    runs_as_root: true\n",
                        0644));
  setenv("PORTCULLIS_TEST_UPSTREAM_PW", "from-env", 1);
  auto c = load(dir,
                "listen: 127.0.0.1:5000\n"  // serve's own keys are not this reader's business
                "repositories:\n"
                "  - pattern: stage/**\n    scan_on_push: true\n"
                "    retention: {keep_tags: 10, untagged_days: 7}\n"
                "  - pattern: verified/**\n    immutable_tags: true\n"
                "    require_attestations_by: [nobody, snakeoil]\n"
                "scanning: {db: vuln.db, workers: 3, layer_cache: false, platform: linux/arm64,\n"
                "           db_check_interval: 5m, policies: {strict: strict.yaml}}\n"
                "promotions:\n"
                "  - name: ship\n    from: stage/app:*\n    to: verified/{path}:{tag}\n"
                "    when: {max: {critical: 0, HIGH: 2}, fixable_only: true, policy: strict,\n"
                "           checks: [nobody], attestations: [builder]}\n"
                "mirrors:\n"
                "  - name: hub\n    upstream: {registry: registry-1.docker.io, repository: "
                "library/alpine,\n               username: u, password_env: "
                "PORTCULLIS_TEST_UPSTREAM_PW}\n"
                "    tags: ['3.*']\n    to: stage/alpine\n    interval: 10m\n"
                "push_mirrors:\n"
                "  - from: verified/**\n    to: {registry: prod.example, repository: mirror}\n"
                "webhooks:\n"
                "  - url: https://hooks.example/p\n    secret: s\n    events: [promotion, "
                "mirror_failed]\n");
  ASSERT_TRUE(c) << c.error().what();
  ASSERT_EQ(c->repositories.size(), 2u);
  EXPECT_EQ(c->repositories[0].keep_tags, 10);
  EXPECT_EQ(c->repositories[0].untagged_days, 7);
  EXPECT_EQ(c->repositories[1].require_attestations_by,
            (std::vector<std::string>{"nobody", "snakeoil"}));
  EXPECT_EQ(c->scanning.workers, 3);
  EXPECT_FALSE(c->scanning.layer_cache);
  EXPECT_EQ(*c->scanning.db, dir.path() / "vuln.db");
  EXPECT_EQ(c->scanning.db_check_interval, std::chrono::minutes(5));
  ASSERT_EQ(c->promotions.size(), 1u);
  const auto& w = c->promotions[0].when;
  EXPECT_EQ(w.max.at(policy::Severity::kCritical), 0);
  EXPECT_EQ(w.max.at(policy::Severity::kHigh), 2);
  EXPECT_TRUE(w.fixable_only);
  EXPECT_EQ(*w.policy, "strict");
  EXPECT_EQ(c->mirrors[0].upstream.password, "from-env");
  EXPECT_EQ(c->mirrors[0].interval, std::chrono::minutes(10));
  EXPECT_EQ(c->push_mirrors[0].name, "verified/** -> prod.example");
  EXPECT_EQ(c->webhooks[0].name, "https://hooks.example/p");

  EXPECT_EQ(c->rule_for("stage/team/app")->pattern, "stage/**");
  EXPECT_TRUE(c->rule_for("verified/app")->immutable_tags);
  EXPECT_EQ(c->rule_for("other/app"), nullptr);
}

TEST(PipelineConfig, ErrorsNameTheField) {
  testing::TempDir dir;
  EXPECT_EQ(message(load(dir, "repositories:\n  - pattern: stage/*x\n")),
            (dir.path() / "serve.yaml").string() +
                ": repositories[0].pattern: namePattern \"stage/*x\": a wildcard is allowed only "
                "at the end, as * or **");
  EXPECT_NE(message(load(dir, "repositories:\n  - pattern: a/**\n    scan: true\n"))
                .find("repositories[0].scan: unknown field"),
            std::string::npos);
  EXPECT_NE(message(load(dir, "promotions:\n  - from: a/**\n    to: b/{name}:{tag}\n"))
                .find("unknown placeholder {name}"),
            std::string::npos);
  EXPECT_NE(message(load(dir, "promotions:\n  - from: a/**\n    to: b/x\n"))
                .find("expected REPOSITORY:TAG"),
            std::string::npos);
  EXPECT_NE(message(load(dir, "promotions:\n  - {from: a/**, to: 'b:t', when: {policy: nope}}\n"))
                .find("no scan policy \"nope\""),
            std::string::npos);
  EXPECT_NE(message(load(dir, "promotions:\n  - {from: a/**, to: 'b:t', when: {checks: [x]}}\n"))
                .find("unknown check \"x\""),
            std::string::npos);
  EXPECT_NE(message(load(dir, "promotions:\n  - {from: a/**, to: 'b:t', when: {max: {huge: 1}}}\n"))
                .find("when.max.huge"),
            std::string::npos);
  EXPECT_NE(message(load(dir, "scanning: {workers: 0}\n")).find("scanning.workers"),
            std::string::npos);
  EXPECT_NE(message(load(dir, "mirrors:\n  - {to: x, upstream: {registry: r}}\n"))
                .find("mirrors[0].upstream.repository: missing"),
            std::string::npos);
  EXPECT_NE(message(load(dir,
                         "mirrors:\n  - {to: x, interval: 0s, upstream: {registry: r, "
                         "repository: p}}\n"))
                .find("mirrors[0].interval: must be more than 0s"),
            std::string::npos);
  EXPECT_NE(message(load(dir, "webhooks:\n  - {url: ftp://x}\n")).find("webhooks[0].url"),
            std::string::npos);
  EXPECT_NE(message(load(dir, "webhooks:\n  - {url: 'http://x', events: [pushed]}\n"))
                .find("unknown event \"pushed\""),
            std::string::npos);
  EXPECT_NE(message(load(dir, "webhooks:\n  - {url: 'http://x', secret_env: NO_SUCH_VAR_X}\n"))
                .find("$NO_SUCH_VAR_X is not set"),
            std::string::npos);
  EXPECT_NE(message(load(dir, "repositories: {a: 1}\n")).find("repositories: expected a list"),
            std::string::npos);
}

TEST(PipelineConfig, Globs) {
  EXPECT_TRUE(glob_matches("3.*", "3.19"));
  EXPECT_TRUE(glob_matches("*", ""));
  EXPECT_TRUE(glob_matches("v?.*-rc*", "v1.2-rc3"));
  EXPECT_FALSE(glob_matches("3.*", "13.1"));
  EXPECT_FALSE(glob_matches("v?", "v10"));
  EXPECT_TRUE(glob_matches("*a*b*", "xxaxxbxx"));
  EXPECT_FALSE(glob_matches("*a*b", "xxaxxbxx"));
}

}  // namespace
}  // namespace portcullis::pipeline
