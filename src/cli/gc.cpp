// portcullis gc: delete unreferenced blobs after a grace period (safe while serve runs).
#include "store/gc.hpp"

#include <iostream>

#include "cli/commands.hpp"
#include "registry/service.hpp"

namespace portcullis::cli {
namespace {

struct GcFlags {
  std::string data = "data";
  std::string grace = "1h";
  std::string upload_expiry = "24h";
};

int gc(const GcFlags& f) {
  auto grace = parse_duration(f.grace);
  if (!grace) return report(grace.error().context("--grace-period"));
  auto expiry = parse_duration(f.upload_expiry);
  if (!expiry) return report(expiry.error().context("--upload-expiry"));
  auto data = registry::DataDir::open(f.data);
  if (!data) return report(data.error());
  store::GcOptions options{*grace, *expiry};
  auto report_or =
      store::collect_garbage(*data->metadata, *data->blobs, *data->commit_lock, options);
  if (!report_or) return report(report_or.error());
  std::cout << "blobs deleted: " << report_or->blobs_deleted
            << "\norphan files deleted: " << report_or->orphan_files_deleted
            << "\nuploads expired: " << report_or->uploads_expired
            << "\nbytes freed: " << report_or->bytes_freed << "\n";
  return kExitOk;
}

}  // namespace

void register_gc(CLI::App& app, Runner& run) {
  auto f = std::make_shared<GcFlags>();
  auto* cmd = app.add_subcommand("gc", "Delete blobs that no manifest references");
  cmd->add_option("--data", f->data, "Data directory of the registry (default ./data)");
  cmd->add_option("--grace-period", f->grace,
                  "Keep blobs linked more recently than this (default 1h)");
  cmd->add_option("--upload-expiry", f->upload_expiry,
                  "Drop uploads started before this (default 24h)");
  cmd->callback([f, &run] { run = [f] { return gc(*f); }; });
}

}  // namespace portcullis::cli
