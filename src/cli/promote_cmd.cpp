// portcullis promote SRC [DST]: asks a portcullis server to promote an image (its promotion
// rules' conditions and checks apply; --force is an admin's audited manual override, and the
// target repository's own rules, such as required attestations, still hold).
// Exit codes: 0 promoted, 1 refused (the reasons are printed), 2 usage, 3 error.
#include <cstdio>

#include "base/json_text.hpp"
#include "cli/commands.hpp"
#include "cli/sign_target.hpp"

namespace portcullis::cli {
namespace {

struct PromoteFlags {
  std::string server;
  std::string creds;
  bool tls_verify = true;
  std::string source;
  std::string target;
  bool force = false;
  std::string format = "table";
};

int promote(const PromoteFlags& f) {
  if (f.format != "table" && f.format != "json") {
    return report(
        make_error(ErrorCode::kInvalidArgument, "--format {}: use table or json", f.format));
  }
  auto client = server_client(f.server, f.creds, f.tls_verify);
  if (!client) return report(client.error());
  nlohmann::json body = {{"source", f.source}, {"target", f.target}, {"force", f.force}};
  auto res = (*client)->send({"POST",
                              "/portcullis/v1/promote",
                              {{"Content-Type", "application/json"}},
                              to_json_text(body),
                              true});
  if (!res) return report(res.error());
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  if ((res->status != 200 && res->status != 409) || !doc.is_object() || !doc.contains("promoted")) {
    return report((*client)->http_error(*res, "promotion of " + f.source));
  }
  if (f.format == "json") {
    std::printf("%s\n", to_json_text(doc, 2).c_str());
  } else if (doc["promoted"].get<bool>()) {
    std::printf("promoted %s to %s%s\n", doc.value("source", "").c_str(),
                doc.value("target", "").c_str(),
                f.force || doc.value("rule", "").empty()
                    ? " (manual override)"
                    : (" (rule " + doc.value("rule", "") + ")").c_str());
  } else {
    std::printf("refused: %s to %s\n", doc.value("source", "").c_str(),
                doc.value("target", "").c_str());
    for (const auto& r : doc["reasons"]) std::printf("  - %s\n", r.get<std::string>().c_str());
  }
  return doc["promoted"].get<bool>() ? kExitOk : kExitPolicyFailed;
}

}  // namespace

void register_promote(CLI::App& app, Runner& run) {
  auto f = std::make_shared<PromoteFlags>();
  auto* cmd = app.add_subcommand(
      "promote", "Promote an image on a portcullis server: exit 0 promoted, 1 refused");
  cmd->add_option("source", f->source, "REPOSITORY:TAG or REPOSITORY@DIGEST on the server")
      ->required();
  cmd->add_option("target", f->target,
                  "REPOSITORY:TAG (default: the first matching promotion rule's target)");
  cmd->add_option("--server", f->server, "The portcullis server, HOST[:PORT]")->required();
  cmd->add_option("--creds", f->creds,
                  "USER:PASSWORD (default: Docker's or containers' auth "
                  "files)");
  cmd->add_option("--tls-verify", f->tls_verify, "false: do not verify TLS (and allow plain HTTP)");
  cmd->add_flag("--force", f->force,
                "Manual override (admins): skip the rule's conditions; audited");
  cmd->add_option("--format", f->format, "table or json");
  cmd->callback([f, &run] { run = [f] { return promote(*f); }; });
}

}  // namespace portcullis::cli
