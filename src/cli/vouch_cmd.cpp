// portcullis vouch: the Voucher check suite against one image; each passing check is attested
// with its own key. Exit 0 every check passed, 1 a check failed, 2 usage, 3 processing error.
#include <cstdio>

#include "base/json_text.hpp"
#include "cli/commands.hpp"
#include "pipeline/voucher.hpp"

namespace portcullis::cli {
namespace {

struct VouchFlags {
  std::string image;
  std::string config;
  std::string creds;
  bool tls_verify = true;
  std::string format = "table";
};

int vouch(const VouchFlags& f) {
  if (f.format != "table" && f.format != "json") {
    return report(
        make_error(ErrorCode::kInvalidArgument, "--format {}: use table or json", f.format));
  }
  auto config = pipeline::load_voucher_config(f.config);
  if (!config) return report(config.error());
  pipeline::VouchRequest request;
  request.image_url = f.image;
  request.tls_verify = f.tls_verify;
  if (!f.creds.empty()) {
    auto colon = f.creds.find(':');
    if (colon == std::string::npos) {
      return report(make_error(ErrorCode::kInvalidArgument, "--creds must be USER:PASSWORD"));
    }
    request.username = f.creds.substr(0, colon);
    request.password = f.creds.substr(colon + 1);
  }
  auto result = pipeline::vouch(*config, request);
  if (!result) return report(result.error());
  if (f.format == "json") {
    std::printf("%s\n", to_json_text(pipeline::vouch_json(*result), 2).c_str());
  } else {
    std::printf("%s: %s\n", result->image.c_str(), result->success ? "passed" : "FAILED");
    for (const auto& r : result->results) {
      std::printf("  %-10s %-6s %-12s %s\n", r.name.c_str(), r.success ? "pass" : "FAIL",
                  r.attested ? "attested" : "not attested", r.err.c_str());
      for (const auto& d : r.details) std::printf("               %s\n", d.c_str());
    }
  }
  return result->success ? kExitOk : kExitPolicyFailed;
}

}  // namespace

void register_vouch(CLI::App& app, Runner& run) {
  auto f = std::make_shared<VouchFlags>();
  auto* cmd = app.add_subcommand(
      "vouch",
      "Run the Voucher checks on an image and attest each one that passes: exit 0 all passed, "
      "1 a check failed, 2 usage, 3 error");
  cmd->add_option("image", f->image, "REGISTRY/REPO[:TAG][@DIGEST] (docker:// optional)")
      ->required();
  cmd->add_option("--config", f->config, "Voucher configuration YAML (docs/sign.md)")->required();
  cmd->add_option("--creds", f->creds, "USER:PASSWORD (default: docker/containers auth files)");
  cmd->add_option("--tls-verify", f->tls_verify, "Verify TLS (default true)");
  cmd->add_option("--format", f->format, "table (default) or json (Voucher's response)");
  cmd->callback([f, &run] { run = [f] { return vouch(*f); }; });
}

}  // namespace portcullis::cli
