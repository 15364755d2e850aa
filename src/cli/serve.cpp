// portcullis serve: the registry.
#include <csignal>
#include <thread>

#include "admit/webhook.hpp"
#include "base/file.hpp"
#include "base/log.hpp"
#include "cli/commands.hpp"
#include "image/image.hpp"
#include "pipeline/attestor_api.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/pipeline_api.hpp"
#include "pipeline/vouch_api.hpp"
#include "registry/service.hpp"
#include "sign/attestor.hpp"

namespace portcullis::cli {
namespace {

struct ServeFlags {
  std::string config;
  std::string data;
  std::string listen;
  std::string tls_cert;
  std::string tls_key;
  std::string log_level;
  std::string log_format;
};

// With admission.policy set, the admission webhook is served at /admission/validate (with
// /admission/healthz and /admission/metrics), unauthenticated, over the server's TLS.
Status mount_admission(const Settings& settings, registry::Registry& registry,
                       pipeline::Pipeline& pipeline) {
  auto policy = settings.get_string("admission.policy", "");
  if (!policy) return policy.error();
  if (policy->empty()) return Ok{};
  admit::WebhookOptions w;
  w.policy_path = *policy;
  auto cluster = settings.get_string("admission.cluster", "");
  auto audit = settings.get_string("admission.audit_log", "-");
  auto attestors = settings.get_string("admission.attestors", "");
  auto fail_open = settings.get_bool("admission.fail_open", false);
  auto tls_verify = settings.get_bool("admission.tls_verify", true);
  if (!cluster || !audit || !attestors || !fail_open || !tls_verify) {
    return !cluster     ? cluster.error()
           : !audit     ? audit.error()
           : !attestors ? attestors.error()
           : !fail_open ? fail_open.error()
                        : tls_verify.error();
  }
  w.cluster = *cluster;
  w.audit_log = *audit;
  w.on_decision = [&pipeline](const nlohmann::json& e) {
    pipeline::Event event;
    event.action = "admission";
    event.actor = e.value("serviceAccount", "");
    event.repository = e.value("image", "");
    event.digest = e.value("digest", "");
    event.rule = e.value("rule", "");
    event.result = e.value("result", "");
    if (e.contains("reasons") && e["reasons"].is_array()) {
      for (const auto& r : e["reasons"]) {
        if (r.is_string())
          event.reason += (event.reason.empty() ? "" : "; ") + r.get<std::string>();
      }
    }
    event.detail = e;
    pipeline.record(event);
  };
  admit::VerifierOptions v;
  v.fail_open = *fail_open;
  v.tls_verify = *tls_verify;
  if (!attestors->empty()) {
    auto text = read_file(*attestors);
    if (!text) return text.error();
    auto parsed = sign::parse_attestors(*text, *attestors);
    if (!parsed) return parsed.error();
    v.attestors = std::move(*parsed);
  }
  bool verify = *tls_verify;
  v.credentials =
      [verify](const oci::Reference& ref) -> Result<std::pair<std::string, std::string>> {
    image::RegistryOptions given;
    given.tls_verify = verify;
    auto found = image::registry_credentials(ref, given);
    if (!found) return found.error();
    return std::pair(found->username, found->password);
  };
  auto webhook = admit::Webhook::open(std::move(w), std::move(v));
  if (!webhook) return webhook.error();
  std::shared_ptr<admit::Webhook> shared(std::move(*webhook));
  registry.mount(
      "/admission",
      [shared](http::Request& request, const registry::Identity&) {
        request.path = request.path.substr(std::string_view("/admission").size());
        return shared->handle(request);
      },
      true);
  return Ok{};
}

int serve(const ServeFlags& flags) {
  Settings settings;
  settings.set_sections(pipeline::pipeline_sections());
  pipeline::PipelineConfig pipeline_config;
  if (!flags.config.empty()) {
    auto loaded = settings.load_yaml_file(flags.config);
    if (!loaded) return report(loaded.error());
    auto known = registry::service_config_keys();
    known.insert({"vouch.config", "vouch.tls_verify", "admission.policy", "admission.cluster",
                  "admission.attestors", "admission.audit_log", "admission.fail_open",
                  "admission.tls_verify"});
    auto unknown = settings.unknown_keys(known);
    if (!unknown.empty()) {
      for (const auto& u : unknown) std::fprintf(stderr, "portcullis: %s\n", u.c_str());
      return kExitUsage;
    }
    auto loaded_pipeline = pipeline::load_pipeline_config(flags.config);
    if (!loaded_pipeline) return report(loaded_pipeline.error());
    pipeline_config = std::move(*loaded_pipeline);
  }
  if (!flags.data.empty()) settings.set_flag("data", flags.data);
  if (!flags.listen.empty()) settings.set_flag("listen", flags.listen);
  if (!flags.tls_cert.empty()) settings.set_flag("tls.cert", flags.tls_cert);
  if (!flags.tls_key.empty()) settings.set_flag("tls.key", flags.tls_key);
  if (!flags.log_level.empty()) settings.set_flag("log.level", flags.log_level);
  if (!flags.log_format.empty()) settings.set_flag("log.format", flags.log_format);

  auto level = log::parse_level(*settings.get_string("log.level", "info"));
  if (!level) return report(level.error());
  log::set_level(*level);
  auto format = log::parse_format(*settings.get_string("log.format", "text"));
  if (!format) return report(format.error());
  log::set_format(*format);

  auto config = registry::load_service_config(settings);
  if (!config) return report(config.error());

  // Signals are taken by one thread with sigwait; every other thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto service = registry::Service::open(std::move(*config));
  if (!service) return report(service.error());
  auto& data = (*service)->data();
  auto& registry = (*service)->registry();
  pipeline::PipelineOptions pipeline_options{std::move(pipeline_config), data.path, std::nullopt};
  auto vouch_config = settings.get_string("vouch.config", "");
  if (!vouch_config) return report(vouch_config.error());
  if (!vouch_config->empty()) {
    auto voucher = pipeline::load_voucher_config(*vouch_config);
    if (!voucher) return report(voucher.error());
    auto tls_verify = settings.get_bool("vouch.tls_verify", true);
    if (!tls_verify) return report(tls_verify.error());
    pipeline_options.voucher = *voucher;
    pipeline::mount_vouch_api(registry,
                              std::make_shared<const pipeline::VoucherConfig>(std::move(*voucher)),
                              *tls_verify);
  }
  auto pipeline =
      pipeline::Pipeline::open(std::move(pipeline_options), registry, *data.metadata, *data.blobs);
  if (!pipeline) return report(pipeline.error());
  pipeline::Pipeline& p = **pipeline;
  p.attach();
  pipeline::mount_pipeline_api(p, registry, *data.metadata, *data.blobs);
  pipeline::mount_attestor_api(
      registry, *data.metadata,
      [&p](const registry::Identity& who, std::string_view what, std::string_view name) {
        p.record(pipeline::Event{0, 0, "attestor_change", who.user, "", "", "", std::string(name),
                                 std::string(what), "", "", nlohmann::json::object()});
      });
  auto listening = (*service)->listen();
  if (!listening) return report(listening.error());

  if (auto mounted = mount_admission(settings, registry, p); !mounted) {
    return report(mounted.error());
  }
  const auto& server = (*service)->config().server;
  std::string self = server.host.empty() || server.host == "0.0.0.0" || server.host == "::"
                         ? "127.0.0.1"
                         : server.host;
  if (self.find(':') != std::string::npos) self = "[" + self + "]";
  p.start(fmt::format("{}:{}", self, (*service)->port()), !server.tls_cert.empty());
  registry::Service* s = service->get();
  std::thread waiter([s, signals] {
    int signal = 0;
    sigwait(&signals, &signal);
    log::info("draining connections", {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
    s->shutdown();
  });
  waiter.detach();
  s->run();
  p.stop();
  log::info("stopped");
  return kExitOk;
}

}  // namespace

void register_serve(CLI::App& app, Runner& run) {
  auto flags = std::make_shared<ServeFlags>();
  auto* cmd = app.add_subcommand("serve", "Run the OCI registry");
  cmd->add_option("--config", flags->config, "YAML configuration file");
  cmd->add_option("--data", flags->data, "Data directory (default ./data)");
  cmd->add_option("--listen", flags->listen, "HOST:PORT to listen on (default 127.0.0.1:5000)");
  cmd->add_option("--tls-cert", flags->tls_cert, "PEM certificate chain; enables TLS");
  cmd->add_option("--tls-key", flags->tls_key, "PEM private key");
  cmd->add_option("--log-level", flags->log_level, "debug, info, warn or error");
  cmd->add_option("--log-format", flags->log_format, "text or json");
  cmd->callback([flags, &run] { run = [flags] { return serve(*flags); }; });
}

}  // namespace portcullis::cli
