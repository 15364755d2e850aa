// The pipeline's durable state: the scan queue (deduplicated, resumed after a crash, finished
// once), scan records, audit events with their filters, and the webhook outbox.
#include "pipeline/pipeline_store.hpp"

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace portcullis::pipeline {
namespace {

std::unique_ptr<PipelineStore> open_store(const testing::TempDir& dir,
                                          std::vector<WebhookTarget> hooks = {}) {
  auto s = PipelineStore::open(dir.path() / "pipeline.db", std::move(hooks));
  EXPECT_TRUE(s) << s.error().what();
  return std::move(*s);
}

ScanJob job(const std::string& repo, const std::string& digest) {
  return ScanJob{0, repo, digest, "1", "push", 0, 1000};
}

TEST(PipelineStore, QueueDeduplicatesAndResumes) {
  testing::TempDir dir;
  {
    auto s = open_store(dir);
    EXPECT_TRUE(*s->enqueue_scan(job("stage/a", "sha256:1")));
    EXPECT_FALSE(*s->enqueue_scan(job("stage/a", "sha256:1")));  // already queued
    EXPECT_TRUE(*s->enqueue_scan(job("stage/b", "sha256:1")));   // another repository
    auto first = s->claim_scan();
    ASSERT_TRUE(first && *first);
    EXPECT_EQ((*first)->repository, "stage/a");
    EXPECT_EQ((*first)->attempts, 1);
    EXPECT_FALSE(*s->enqueue_scan(job("stage/a", "sha256:1")));  // running counts as pending
    EXPECT_EQ(*s->count_jobs("running"), 1);
  }
  // The process died with stage/a running: it is queued again on open.
  auto s = open_store(dir);
  EXPECT_EQ(*s->requeue_running(), 1);
  EXPECT_EQ(*s->count_jobs("queued"), 2);
  auto again = s->claim_scan();
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->repository, "stage/a");
  EXPECT_EQ((*again)->attempts, 2);

  ScanRecord r;
  r.repository = "stage/a";
  r.digest = "sha256:1";
  r.job_id = (*again)->id;
  r.status = "completed";
  r.passed = true;
  r.summary = {{"verdict", "passed"}};
  r.inventory = {{"os", {{"id", "debian"}}}};
  Event done{0,   0,  "scan_completed", "portcullis", "stage/a", "sha256:1",
             "1", "", "passed",         "",           "",        nlohmann::json::object()};
  ASSERT_TRUE(s->finish_scan(**again, r, {done}));
  // Finishing twice is refused: the job is no longer running, nothing is recorded twice.
  EXPECT_FALSE(s->finish_scan(**again, r, {done}));
  EXPECT_EQ(s->jobs_in("scanned")->size(), 1u);
  ASSERT_TRUE(s->finish_job((*again)->id));
  EXPECT_EQ(s->jobs_in("scanned")->size(), 0u);
  auto stored = s->scan("stage/a", "sha256:1");
  ASSERT_TRUE(stored && *stored);
  EXPECT_TRUE((*stored)->passed);
  EXPECT_EQ((*stored)->inventory["os"]["id"], "debian");
  EXPECT_EQ(s->events({0, "", "scan_completed", 0, 100})->size(), 1u);
  // After it finished, the digest may be queued again (a re-push).
  EXPECT_TRUE(*s->enqueue_scan(job("stage/a", "sha256:1")));
}

TEST(PipelineStore, FailedScansRetryOrStop) {
  testing::TempDir dir;
  auto s = open_store(dir);
  ASSERT_TRUE(s->enqueue_scan(job("stage/a", "sha256:1")));
  auto j = s->claim_scan();
  ASSERT_TRUE(s->fail_scan(**j, "registry unreachable", true));
  EXPECT_EQ(*s->count_jobs("queued"), 1);
  j = s->claim_scan();
  ASSERT_TRUE(s->fail_scan(**j, "not an image", false));
  EXPECT_EQ(*s->count_jobs("failed"), 1);
  EXPECT_FALSE(*s->claim_scan());
}

TEST(PipelineStore, EventsFilterAndFeedTheOutbox) {
  testing::TempDir dir;
  WebhookTarget all{"all", "http://a/", "k", {}, true};
  WebhookTarget promotions{"promotions", "http://b/", "k", {"promotion"}, true};
  auto s = open_store(dir, {all, promotions});
  auto event = [](std::string action, std::string repo, int64_t time) {
    return Event{0,  time, std::move(action),       "u", std::move(repo), "", "", "", "",
                 "", "",   nlohmann::json::object()};
  };
  ASSERT_TRUE(s->record(event("push", "stage/a", 100)));
  ASSERT_TRUE(s->record(event("promotion", "stage/a", 200)));
  ASSERT_TRUE(s->record(event("push", "stagey/b", 300)));
  ASSERT_TRUE(s->record(event("login", "", 400)));              // audit only: not a webhook event
  EXPECT_EQ(s->events({0, "stage/", "", 0, 100})->size(), 2u);  // a namespace, not a prefix
  EXPECT_EQ(s->events({0, "stagey/b", "", 0, 100})->size(), 1u);
  EXPECT_EQ(s->events({250, "", "", 0, 100})->size(), 2u);
  EXPECT_EQ(s->events({0, "", "push", 0, 1})->size(), 1u);
  auto due = s->due_deliveries(1000, 100);
  ASSERT_TRUE(due);
  // "all": push, promotion, push; "promotions": promotion; never the login.
  ASSERT_EQ(due->size(), 4u);
  EXPECT_EQ((*due)[1].webhook, "all");
  EXPECT_EQ((*due)[2].webhook, "promotions");
  auto body = nlohmann::json::parse((*due)[0].body);
  EXPECT_EQ(body["action"], "push");
  EXPECT_EQ(body["repository"], "stage/a");
  ASSERT_TRUE(s->delivery_done((*due)[0].id, 503, "HTTP 503", false, 5000, false));
  ASSERT_TRUE(s->delivery_done((*due)[1].id, 204, "", true, 0, false));
  ASSERT_TRUE(s->delivery_done((*due)[2].id, 0, "refused", false, 0, true));
  auto now_due = s->due_deliveries(1000, 100);
  EXPECT_EQ(now_due->size(), 1u);  // the 503 waits for its backoff; delivered/failed are done
  EXPECT_EQ(s->due_deliveries(5000, 100)->size(), 2u);
  auto log = s->deliveries(10);
  ASSERT_EQ(log->size(), 4u);
  EXPECT_EQ(log->back().attempts, 1);
  EXPECT_EQ(log->back().last_status, 503);
}

TEST(PipelineStore, MirroredDigests) {
  testing::TempDir dir;
  auto s = open_store(dir);
  EXPECT_FALSE(*s->mirrored_digest("hub", "3.19"));
  ASSERT_TRUE(s->set_mirrored("hub", "3.19", "sha256:a"));
  ASSERT_TRUE(s->set_mirrored("hub", "3.19", "sha256:b"));
  EXPECT_EQ(**s->mirrored_digest("hub", "3.19"), "sha256:b");
}

}  // namespace
}  // namespace portcullis::pipeline
