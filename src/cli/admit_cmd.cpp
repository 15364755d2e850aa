// portcullis admit validate | evaluate | serve: Binary Authorization policies, evaluated for
// images on the command line or served as a Kubernetes validating admission webhook.
#include <csignal>
#include <cstdio>
#include <thread>

#include "admit/cv.hpp"
#include "admit/evaluate.hpp"
#include "admit/install.hpp"
#include "admit/webhook.hpp"
#include "base/file.hpp"
#include "base/json_text.hpp"
#include "base/log.hpp"
#include "base/settings.hpp"
#include "cli/commands.hpp"
#include "cli/image_input.hpp"
#include "http/server.hpp"
#include "image/image.hpp"
#include "sign/attestor.hpp"

namespace portcullis::cli {
namespace {

struct AdmitFlags {
  std::vector<std::string> files;   // validate
  std::string policy;               // evaluate, serve
  std::vector<std::string> images;  // evaluate
  std::string cluster;
  std::string ns = "default";
  std::string service_account = "default";
  std::string attestors;  // YAML/JSON file; else each registry's attestor API
  std::string creds;
  bool tls_verify = true;
  bool fail_open = false;
  int cache_ttl_seconds = 300;
  long timeout_seconds = 5;
  // serve
  std::string listen = "127.0.0.1:8443";
  std::string tls_cert;
  std::string tls_key;
  std::string audit_log = "-";
  uint64_t audit_max_bytes = 100 << 20;
  int audit_keep = 5;
  // cv
  std::string pods;
  std::string kubeconfig;
  std::string interval;
  // install
  std::string install_ns = "portcullis-system";
  std::string name = "portcullis-admission";
  std::string image = "portcullis:0.1.0";
  int webhook_timeout = 10;
  int deadline_ms = 8000;
  int days = 365;
  std::string output;
};

int validate(const AdmitFlags& f) {
  int rc = kExitOk;
  for (const auto& path : f.files) {
    auto p = admit::load_admission_policy(path);
    if (!p) {
      std::fprintf(stderr, "portcullis: %s\n", p.error().what().c_str());
      rc = kExitUsage;
      continue;
    }
    std::printf(
        "%s: valid (%zu exemption patterns, %zu cluster, %zu namespace, %zu service "
        "account, %zu Istio rules; global policy %s)\n",
        path.c_str(), p->admission_whitelist_patterns.size(), p->cluster_rules.size(),
        p->namespace_rules.size(), p->service_account_rules.size(), p->istio_rules.size(),
        p->global_policy_evaluation ? "ENABLE" : "DISABLE");
  }
  return rc;
}

Result<admit::VerifierOptions> verifier_options(const AdmitFlags& f) {
  admit::VerifierOptions o;
  o.tls_verify = f.tls_verify;
  o.fail_open = f.fail_open;
  o.cache_ttl = std::chrono::seconds(f.cache_ttl_seconds);
  o.timeout_seconds = f.timeout_seconds;
  if (!f.attestors.empty()) {
    auto text = read_file(f.attestors);
    if (!text) return make_error(ErrorCode::kInvalidArgument, "{}", text.error().what());
    auto parsed = sign::parse_attestors(*text, f.attestors);
    if (!parsed) return parsed.error();
    o.attestors = std::move(*parsed);
  }
  image::RegistryOptions given;
  given.tls_verify = f.tls_verify;
  if (!f.creds.empty()) {
    auto colon = f.creds.find(':');
    if (colon == std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, "--creds must be USER:PASSWORD");
    }
    given.username = f.creds.substr(0, colon);
    given.password = f.creds.substr(colon + 1);
  }
  o.credentials =
      [given](const oci::Reference& ref) -> Result<std::pair<std::string, std::string>> {
    auto found = image::registry_credentials(ref, given);
    if (!found) return found.error();
    return std::pair(found->username, found->password);
  };
  return o;
}

int evaluate(const AdmitFlags& f) {
  auto policy = admit::load_admission_policy(f.policy);
  if (!policy) return report(policy.error());
  auto options = verifier_options(f);
  if (!options) return report(options.error());
  for (const auto& image : f.images) {
    if (auto ref = oci::parse_reference(image); !ref) return report(ref.error());
  }
  admit::Verifier verifier(std::move(*options));
  admit::Deployment where{f.cluster, f.ns, f.service_account, ""};
  bool all_allowed = true;
  for (const auto& image : f.images) {
    auto d = admit::evaluate_image(*policy, where, image, verifier);
    all_allowed = all_allowed && d.allowed;
    const char* decision = d.conforms  ? "ALLOWED"
                           : d.allowed ? "ALLOWED (dry run: would be denied)"
                                       : "DENIED";
    std::printf("%s%s%s: %s\n  rule: %s", image.c_str(), d.digest.empty() ? "" : " @ ",
                d.digest.c_str(), decision, d.rule.c_str());
    if (!d.exempt) {
      std::printf(" (%s, %s)", std::string(admit::evaluation_mode_name(d.evaluation_mode)).c_str(),
                  std::string(admit::enforcement_mode_name(d.enforcement_mode)).c_str());
    }
    std::printf("\n");
    for (const auto& r : d.reasons) std::printf("  %s\n", r.c_str());
  }
  return all_allowed ? kExitOk : kExitPolicyFailed;
}

int serve(const AdmitFlags& f) {
  auto colon = f.listen.rfind(':');
  if (colon == std::string::npos) {
    return report(
        make_error(ErrorCode::kInvalidArgument, "--listen {} is not HOST:PORT", f.listen));
  }
  http::ServerOptions server;
  server.host = f.listen.substr(0, colon);
  try {
    server.port = static_cast<uint16_t>(std::stoi(f.listen.substr(colon + 1)));
  } catch (const std::exception&) {
    return report(make_error(ErrorCode::kInvalidArgument, "--listen {}: bad port", f.listen));
  }
  server.tls_cert = f.tls_cert;
  server.tls_key = f.tls_key;
  if (f.tls_cert.empty() || f.tls_key.empty()) {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--tls-cert and --tls-key are required: the API server calls "
                             "webhooks over HTTPS only"));
  }
  auto options = verifier_options(f);
  if (!options) return report(options.error());
  admit::WebhookOptions wo{f.policy,     f.cluster,
                           f.audit_log,  f.audit_max_bytes,
                           f.audit_keep, std::chrono::milliseconds(f.deadline_ms)};
  auto webhook = admit::Webhook::open(std::move(wo), std::move(*options));
  if (!webhook) return report(webhook.error());
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  admit::Webhook* w = webhook->get();
  http::Server http_server(server, [w](http::Request& r) { return w->handle(r); });
  if (auto s = http_server.listen(); !s) return report(s.error());
  log::info("admission webhook listening", {{"address", server.host},
                                            {"port", http_server.port()},
                                            {"policy", f.policy},
                                            {"cluster", f.cluster}});
  http::Server* srv = &http_server;
  std::thread waiter([srv, w, signals] {
    for (;;) {
      int signal = 0;
      sigwait(&signals, &signal);
      if (signal == SIGHUP) {
        (void)w->reload();
        continue;
      }
      srv->shutdown(std::chrono::seconds(10));
      return;
    }
  });
  waiter.detach();
  http_server.run();
  return kExitOk;
}

// One continuous-validation round: violations as JSON lines on stdout, the summary on stderr.
int cv_round(const AdmitFlags& f, admit::Verifier& verifier) {
  auto policy = admit::load_admission_policy(f.policy);
  if (!policy) return report(policy.error());
  Result<std::string> listing = make_error(ErrorCode::kInvalidArgument, "no pods");
  std::string where = f.pods;
  if (!f.pods.empty()) {
    listing = read_file(f.pods);
    if (!listing)
      return report(make_error(ErrorCode::kInvalidArgument, "{}", listing.error().what()));
  } else {
    auto access = admit::load_kubeconfig(f.kubeconfig);
    if (!access) return report(access.error());
    where = access->server;
    listing = admit::list_pods(*access);
    if (!listing) return report(listing.error());
  }
  auto pods = admit::parse_pods(*listing, where);
  if (!pods) return report(pods.error());
  auto r = admit::validate_pods(*policy, f.cluster, *pods, verifier, now_rfc3339());
  for (const auto& v : r.violations) std::printf("%s\n", to_json_text(v).c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "%-12s %-12s %-14s\n%-12zu %-12zu %-14zu\n", "PODS", "CONFORMING",
               "NON-CONFORMING", r.pods, r.conforming, r.violations.size());
  for (const auto& v : r.violations) {
    for (const auto& img : v["images"]) {
      std::fprintf(stderr, "  %s/%s %s: %s: %s\n", v["namespace"].get<std::string>().c_str(),
                   v["pod"].get<std::string>().c_str(), img["image"].get<std::string>().c_str(),
                   img["rule"].get<std::string>().c_str(),
                   img["reasons"].empty() ? "" : img["reasons"][0].get<std::string>().c_str());
    }
  }
  return r.violations.empty() ? kExitOk : kExitPolicyFailed;
}

int cv(const AdmitFlags& f) {
  if (f.pods.empty() == f.kubeconfig.empty()) {
    return report(make_error(ErrorCode::kInvalidArgument, "give --pods FILE or --kubeconfig FILE"));
  }
  std::optional<std::chrono::seconds> interval;
  if (!f.interval.empty()) {
    auto d = parse_duration(f.interval);
    if (!d)
      return report(make_error(ErrorCode::kInvalidArgument, "--interval: {}", d.error().message()));
    if (d->count() < 1)
      return report(make_error(ErrorCode::kInvalidArgument, "--interval must be at least 1s"));
    interval = *d;
  }
  auto options = verifier_options(f);
  if (!options) return report(options.error());
  admit::Verifier verifier(std::move(*options));
  for (;;) {
    int rc = cv_round(f, verifier);
    if (!interval || rc == kExitUsage) return rc;
    std::this_thread::sleep_for(*interval);
  }
}

int install(const AdmitFlags& f) {
  if (auto p = admit::load_admission_policy(f.policy); !p) return report(p.error());
  admit::InstallOptions o;
  o.ns = f.install_ns;
  o.name = f.name;
  o.image = f.image;
  o.cluster = f.cluster;
  o.fail_open = f.fail_open;
  o.timeout_seconds = f.webhook_timeout;
  o.certificate_days = f.days;
  auto policy = read_file(f.policy);
  if (!policy) return report(make_error(ErrorCode::kInvalidArgument, "{}", policy.error().what()));
  o.policy_yaml = *policy;
  if (!f.attestors.empty()) {
    auto text = read_file(f.attestors);
    if (!text) return report(make_error(ErrorCode::kInvalidArgument, "{}", text.error().what()));
    if (auto parsed = sign::parse_attestors(*text, f.attestors); !parsed) {
      return report(parsed.error());
    }
    o.attestors_yaml = *text;
  }
  auto manifests = admit::install_manifests(o);
  if (!manifests) return report(manifests.error());
  if (f.output.empty() || f.output == "-") {
    std::fwrite(manifests->data(), 1, manifests->size(), stdout);
    return kExitOk;
  }
  // The file holds a private key: owner-only.
  if (auto s = write_file_atomic(f.output, *manifests, 0600); !s) return report(s.error());
  return kExitOk;
}

void add_verifier_flags(CLI::App* cmd, AdmitFlags& f) {
  cmd->add_option("--policy", f.policy, "Binary Authorization policy YAML")->required();
  cmd->add_option("--cluster", f.cluster,
                  "This cluster as location.clusterId (clusterAdmissionRules)");
  cmd->add_option("--attestors", f.attestors,
                  "Attestors YAML/JSON (default: each image registry's attestor API)");
  cmd->add_option("--creds", f.creds, "USER:PASSWORD for registries (default: auth files)");
  cmd->add_option("--tls-verify", f.tls_verify, "Verify registries' TLS (default true)");
  cmd->add_flag("--fail-open", f.fail_open,
                "Allow (with a warning) when a registry cannot be reached; default fail-closed");
  cmd->add_option("--registry-timeout", f.timeout_seconds,
                  "Seconds each registry request may take before the image counts as "
                  "unverifiable (fail-closed unless --fail-open; default 5)");
  cmd->add_option("--cache-ttl", f.cache_ttl_seconds,
                  "Seconds an attestation check is cached per (digest, attestors) (default 300)");
}

}  // namespace

void register_admit(CLI::App& app, Runner& run) {
  auto* cmd = app.add_subcommand("admit", "Binary Authorization policies and admission webhook");
  cmd->require_subcommand(1);

  auto v = std::make_shared<AdmitFlags>();
  auto* validate_cmd = cmd->add_subcommand("validate", "Check policy files: exit 0 valid, 2 not");
  validate_cmd->add_option("file", v->files, "Policy YAML")->required();
  validate_cmd->callback([v, &run] { run = [v] { return validate(*v); }; });

  auto e = std::make_shared<AdmitFlags>();
  auto* eval_cmd = cmd->add_subcommand(
      "evaluate", "Decide images under a policy: exit 0 allowed, 1 denied, 2 invalid, 3 error");
  add_verifier_flags(eval_cmd, *e);
  eval_cmd->add_option("image", e->images, "Image references")->required();
  eval_cmd->add_option("--namespace", e->ns, "Kubernetes namespace (default \"default\")");
  eval_cmd->add_option("--service-account", e->service_account,
                       "Service account in that namespace (default \"default\")");
  eval_cmd->callback([e, &run] { run = [e] { return evaluate(*e); }; });

  auto s = std::make_shared<AdmitFlags>();
  auto* serve_cmd = cmd->add_subcommand("serve", "Run the validating admission webhook (HTTPS)");
  add_verifier_flags(serve_cmd, *s);
  serve_cmd->add_option("--listen", s->listen, "HOST:PORT (default 127.0.0.1:8443)");
  serve_cmd->add_option("--tls-cert", s->tls_cert, "PEM certificate chain")->required();
  serve_cmd->add_option("--tls-key", s->tls_key, "PEM private key")->required();
  serve_cmd->add_option("--audit-log", s->audit_log, "Audit log file, or - for stdout (default)");
  serve_cmd->add_option("--audit-max-bytes", s->audit_max_bytes,
                        "Rotate the audit log past this size (default 100 MiB; 0 never)");
  serve_cmd->add_option("--audit-keep", s->audit_keep, "Rotated audit logs kept (default 5)");
  serve_cmd->add_option(
      "--deadline-ms", s->deadline_ms,
      "Registry work per review stops after this (default 8000, under the API "
      "server's 10 s); what is unchecked by then is fail-closed (or --fail-open)");
  serve_cmd->callback([s, &run] { run = [s] { return serve(*s); }; });

  auto i = std::make_shared<AdmitFlags>();
  auto* install_cmd = cmd->add_subcommand(
      "install", "Print the manifests that run the webhook in a cluster (with a new CA)");
  install_cmd->add_option("--policy", i->policy, "Binary Authorization policy YAML")->required();
  install_cmd->add_option("--attestors", i->attestors, "Attestors YAML/JSON for the webhook");
  install_cmd->add_option("--cluster", i->cluster, "This cluster as location.clusterId");
  install_cmd->add_option("--namespace", i->install_ns,
                          "Namespace of the webhook (default portcullis-system; excluded)");
  install_cmd->add_option("--name", i->name, "Name of its objects (default portcullis-admission)");
  install_cmd->add_option("--image", i->image, "The portcullis image to run");
  install_cmd->add_flag("--fail-open", i->fail_open,
                        "failurePolicy Ignore and --fail-open (default: Fail, fail-closed)");
  install_cmd->add_option("--timeout", i->webhook_timeout,
                          "timeoutSeconds for the API server, 1-30 (default 10)");
  install_cmd->add_option("--days", i->days, "Certificate validity in days (default 365)");
  install_cmd->add_option("--output,-o", i->output, "Write to FILE (mode 0600) instead of stdout");
  install_cmd->callback([i, &run] { run = [i] { return install(*i); }; });

  auto c = std::make_shared<AdmitFlags>();
  auto* cv_cmd = cmd->add_subcommand(
      "cv", "Continuous validation of running pods: exit 0 all conform, 1 some do not, 2, 3");
  add_verifier_flags(cv_cmd, *c);
  cv_cmd->add_option("--pods", c->pods, "Pods as `kubectl get pods -A -o json` writes them");
  cv_cmd->add_option("--kubeconfig", c->kubeconfig,
                     "List pods through the API server of this kubeconfig's current context");
  cv_cmd->add_option("--interval", c->interval,
                     "Re-validate every DURATION (30s, 5m) until stopped; default: once");
  cv_cmd->callback([c, &run] { run = [c] { return cv(*c); }; });
}

}  // namespace portcullis::cli
