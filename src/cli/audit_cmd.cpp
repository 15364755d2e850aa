// portcullis audit: the audit events of a portcullis server (pushes, deletes, logins, scans,
// promotions and refusals, mirroring, attestor changes, admission decisions), oldest first.
// Exit codes: 0, 2 usage, 3 error.
#include <cstdio>

#include "base/encoding.hpp"
#include "base/json_text.hpp"
#include "cli/commands.hpp"
#include "cli/sign_target.hpp"

namespace portcullis::cli {
namespace {

struct AuditFlags {
  std::string server;
  std::string creds;
  bool tls_verify = true;
  std::string since;
  std::string repository;
  std::string action;
  int limit = 1000;
  std::string format = "table";
};

std::string cut(std::string text, size_t width) {
  if (text.size() > width) text = text.substr(0, width - 1) + "…";
  return text;
}

int audit(const AuditFlags& f) {
  if (f.format != "table" && f.format != "json") {
    return report(
        make_error(ErrorCode::kInvalidArgument, "--format {}: use table or json", f.format));
  }
  auto client = server_client(f.server, f.creds, f.tls_verify);
  if (!client) return report(client.error());
  std::string query = fmt::format("limit={}", f.limit);
  if (!f.since.empty()) query += "&since=" + percent_encode(f.since);
  if (!f.repository.empty()) query += "&repository=" + percent_encode(f.repository);
  if (!f.action.empty()) query += "&action=" + percent_encode(f.action);
  auto res = (*client)->send({"GET", "/portcullis/v1/audit?" + query, {}, "", false});
  if (!res) return report(res.error());
  if (res->status == 400) {
    return report(make_error(ErrorCode::kInvalidArgument, "{}", res->body));
  }
  if (res->status != 200) return report((*client)->http_error(*res, "audit events"));
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  if (!doc.is_object() || !doc.contains("events")) {
    return report(make_error(ErrorCode::kCorrupt, "{}: the audit answer is not JSON", f.server));
  }
  if (f.format == "json") {
    std::printf("%s\n", to_json_text(doc["events"], 2).c_str());
    return kExitOk;
  }
  std::printf("%-20s  %-17s  %-18s  %-32s  %-9s  %s\n", "TIME", "ACTION", "ACTOR", "IMAGE",
              "RESULT", "REASON");
  for (const auto& e : doc["events"]) {
    std::string image = e.value("repository", "");
    if (!e.value("tag", "").empty())
      image += ":" + e.value("tag", "");
    else if (!e.value("digest", "").empty())
      image += "@" + e.value("digest", "").substr(0, 19);
    std::printf("%-20s  %-17s  %-18s  %-32s  %-9s  %s\n", e.value("time", "").c_str(),
                e.value("action", "").c_str(), cut(e.value("actor", ""), 18).c_str(),
                cut(image, 32).c_str(), e.value("result", "").c_str(),
                e.value("reason", "").c_str());
  }
  return kExitOk;
}

}  // namespace

void register_audit(CLI::App& app, Runner& run) {
  auto f = std::make_shared<AuditFlags>();
  auto* cmd = app.add_subcommand("audit", "Show a portcullis server's audit events (admins)");
  cmd->add_option("--server", f->server, "The portcullis server, HOST[:PORT]")->required();
  cmd->add_option("--creds", f->creds,
                  "USER:PASSWORD (default: Docker's or containers' auth "
                  "files)");
  cmd->add_option("--tls-verify", f->tls_verify, "false: do not verify TLS (and allow plain HTTP)");
  cmd->add_option("--since", f->since, "Only events at or after T (RFC 3339 or YYYY-MM-DD)");
  cmd->add_option("--repository", f->repository,
                  "Only this repository, or a namespace when it ends in /");
  cmd->add_option("--action", f->action,
                  "Only this action (push, delete, login, login_failed, scan_completed, "
                  "verdict_changed, promotion, promotion_refused, mirror, mirror_failed, "
                  "attestor_change, admission)");
  cmd->add_option("--limit", f->limit, "At most N events (default 1000)");
  cmd->add_option("--format", f->format, "table or json");
  cmd->callback([f, &run] { run = [f] { return audit(*f); }; });
}

}  // namespace portcullis::cli
