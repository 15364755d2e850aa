// Inventories survive JSON (stored scans are re-matched from it); damaged documents are errors.
#include "analyze/inventory_json.hpp"

#include <gtest/gtest.h>

namespace portcullis::analyze {
namespace {

TEST(InventoryJson, RoundTrips) {
  Inventory in;
  in.os = {"debian", "12", "Debian GNU/Linux 12 (bookworm)"};
  Package p;
  p.type = "rpm";
  p.name = "openssl-libs";
  p.version = "3.0.7";
  p.epoch = "1";
  p.release = "27.el9";
  p.purl = "pkg:rpm/almalinux/openssl-libs@3.0.7-27.el9?epoch=1";
  p.layer_diff_id = "sha256:aa";
  p.path = "var/lib/rpm/rpmdb.sqlite";
  in.packages.push_back(p);
  p.name = "left-pad";
  p.type = "npm";
  p.scope = "dev";
  in.declared_only.push_back(p);
  in.secrets.push_back(Secret{"aws-access-key-id", "file", "app/.env", 2, "sha256:bb", false,
                              "sha256:cc", "AKIA****"});
  in.special_files.push_back(SpecialFile{"usr/bin/su", 04755, "sha256:aa"});
  in.package_managers = {"usr/bin/apt"};
  in.config = {"65532", "2024-01-01T00:00:00Z", {"PATH=/bin"}, {{"a", "b"}}, {"RUN x"}};
  in.warnings = {"w"};
  auto out = inventory_from(inventory_json(in));
  ASSERT_TRUE(out) << out.error().what();
  EXPECT_EQ(inventory_json(*out), inventory_json(in));
  EXPECT_EQ(out->packages[0].epoch, "1");
  EXPECT_EQ(out->secrets[0].removed_by_layer, "sha256:cc");
  EXPECT_EQ(out->special_files[0].mode, 04755u);
  EXPECT_EQ(out->config.labels[0].second, "b");
}

TEST(InventoryJson, RejectsDamagedDocuments) {
  EXPECT_FALSE(inventory_from(nlohmann::json::object()));
  auto j = inventory_json(Inventory{});
  j["packages"] = "nope";
  auto r = inventory_from(j);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace portcullis::analyze
