// portcullis: one binary, subcommands over the library modules.
#include <cstdio>

#include "base/error.hpp"
#include "cli/commands.hpp"

namespace portcullis::cli {

int report(const Error& error) {
  std::fprintf(stderr, "portcullis: %s\n", error.what().c_str());
  return error.code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitProcessing;
}

}  // namespace portcullis::cli

int main(int argc, char** argv) {
  using namespace portcullis::cli;
  CLI::App app{"portcullis: registry, scanner, signer and admission control for container images"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "portcullis 0.1.0");
  Runner run;
  register_serve(app, run);
  register_user(app, run);
  register_gc(app, run);
  register_sbom(app, run);
  register_scan(app, run);
  register_db(app, run);
  register_policy(app, run);
  register_key(app, run);
  register_sign(app, run);
  register_verify(app, run);
  register_attestor(app, run);
  register_vouch(app, run);
  register_admit(app, run);
  register_promote(app, run);
  register_audit(app, run);
  register_debug(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!run) return kExitUsage;
  try {
    return run();
  } catch (const std::exception& e) {
    // Library code returns errors; reaching here is a defect, reported instead of a core dump.
    std::fprintf(stderr, "portcullis: internal error: %s\n", e.what());
    return kExitProcessing;
  }
}
