// Service assembly and configuration loading.
#include <charconv>
#include <cstdlib>

#include "base/file.hpp"
#include "base/log.hpp"
#include "registry/passwords.hpp"
#include "registry/service.hpp"

namespace portcullis::registry {

const std::set<std::string>& service_config_keys() {
  static const std::set<std::string> keys = {"listen",
                                             "data",
                                             "tls.cert",
                                             "tls.key",
                                             "log.level",
                                             "log.format",
                                             "auth.enabled",
                                             "auth.anonymous_pull",
                                             "auth.realm",
                                             "auth.service",
                                             "auth.token_ttl",
                                             "storage.delete_enabled",
                                             "server.max_connections",
                                             "server.idle_timeout",
                                             "server.drain_timeout",
                                             "gc.grace_period",
                                             "gc.upload_expiry"};
  return keys;
}

Result<ServiceConfig> load_service_config(const Settings& settings) {
  ServiceConfig c;
  auto listen = settings.get_string("listen", "127.0.0.1:5000");
  auto colon = listen->rfind(':');
  if (colon == std::string::npos) {
    return make_error(ErrorCode::kInvalidArgument, "listen \"{}\" is not HOST:PORT", *listen);
  }
  c.server.host = listen->substr(0, colon);
  if (c.server.host.starts_with('[') && c.server.host.ends_with(']')) {
    c.server.host = c.server.host.substr(1, c.server.host.size() - 2);
  }
  if (c.server.host.empty() || c.server.host == "*") c.server.host = "0.0.0.0";
  unsigned port = 0;
  auto port_text = std::string_view(*listen).substr(colon + 1);
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return make_error(ErrorCode::kInvalidArgument, "listen \"{}\": port must be 0..65535", *listen);
  }
  c.server.port = static_cast<uint16_t>(port);
  c.data_dir = *settings.get_string("data", "data");
  c.server.tls_cert = *settings.get_string("tls.cert", "");
  c.server.tls_key = *settings.get_string("tls.key", "");
  auto max_connections = settings.get_int("server.max_connections", 1024);
  if (!max_connections) return max_connections.error();
  c.server.max_connections = static_cast<int>(*max_connections);
  auto idle = settings.get_duration("server.idle_timeout", std::chrono::seconds(60));
  if (!idle) return idle.error();
  c.server.idle_timeout = *idle;
  auto drain = settings.get_duration("server.drain_timeout", std::chrono::seconds(30));
  if (!drain) return drain.error();
  c.drain_timeout = *drain;
  auto sendfile = settings.get_bool("server.sendfile", false);
  if (!sendfile) return sendfile.error();
  c.server.sendfile = *sendfile;
  auto enabled = settings.get_bool("auth.enabled", true);
  if (!enabled) return enabled.error();
  c.auth.enabled = *enabled;
  auto anonymous = settings.get_bool("auth.anonymous_pull", false);
  if (!anonymous) return anonymous.error();
  c.auth.anonymous_pull = *anonymous;
  c.auth.realm = *settings.get_string("auth.realm", "");
  c.auth.service = *settings.get_string("auth.service", "portcullis");
  auto ttl = settings.get_duration("auth.token_ttl", std::chrono::seconds(300));
  if (!ttl) return ttl.error();
  c.auth.token_ttl = *ttl;
  auto deletes = settings.get_bool("storage.delete_enabled", true);
  if (!deletes) return deletes.error();
  c.registry.delete_enabled = *deletes;
  return c;
}

Result<DataDir> DataDir::open(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec)
    return make_error(ErrorCode::kIo, "create data directory {}: {}", path.string(), ec.message());
  DataDir d;
  d.path = path;
  auto metadata = store::SqliteMetadataStore::open(path / "metadata.db");
  if (!metadata) return metadata.error();
  d.metadata = std::move(*metadata);
  auto blobs = store::FsBlobStore::open(path);
  if (!blobs) return blobs.error();
  d.blobs = std::move(*blobs);
  auto lock = store::CommitLock::open(path);
  if (!lock) return lock.error();
  d.commit_lock = std::make_unique<store::CommitLock>(std::move(*lock));
  return d;
}

Result<std::unique_ptr<Service>> Service::open(ServiceConfig config) {
  std::unique_ptr<Service> s(new Service());
  s->config_ = std::move(config);
  auto data = DataDir::open(s->config_.data_dir);
  if (!data) return data.error();
  s->data_ = std::move(*data);
  auto signer = TokenSigner::load_or_create(s->data_.path / "token.key");
  if (!signer) return signer.error();
  s->auth_ =
      std::make_unique<Authenticator>(s->config_.auth, *s->data_.metadata, std::move(*signer));
  s->registry_ =
      std::make_unique<Registry>(s->config_.registry, *s->data_.metadata, *s->data_.blobs,
                                 *s->data_.commit_lock, *s->auth_, s->metrics_);
  Registry* registry = s->registry_.get();
  s->server_ = std::make_unique<http::Server>(
      s->config_.server, [registry](http::Request& r) { return registry->handle(r); },
      [registry](const http::Exchange& e) { registry->observe(e); });
  if (s->config_.auth.enabled) PORTCULLIS_TRY(s->bootstrap_admin());
  return s;
}

Status Service::bootstrap_admin() {
  auto users = data_.metadata->list_users();
  if (!users) return users.error();
  if (!users->empty()) return Ok{};
  const char* preset = std::getenv("PORTCULLIS_ADMIN_PASSWORD");
  std::string password = preset != nullptr && *preset != '\0' ? preset : random_secret();
  auto hash = hash_password(password);
  if (!hash) return hash.error();
  PORTCULLIS_TRY(data_.metadata->put_user(store::User{"admin", *hash, true}));
  if (preset != nullptr && *preset != '\0') {
    log::info("created user admin with the password from PORTCULLIS_ADMIN_PASSWORD");
    return Ok{};
  }
  auto path = data_.path / "initial-admin-password";
  PORTCULLIS_TRY(write_file_atomic(path, password + "\n", 0600));
  log::info("created user admin; its password is in the file named here (mode 0600)",
            {{"file", path.string()}});
  return Ok{};
}

Status Service::listen() {
  PORTCULLIS_TRY(server_->listen());
  log::info("listening", {{"address", config_.server.host},
                          {"port", server_->port()},
                          {"tls", config_.server.tls_cert.empty() ? "off" : "on"},
                          {"auth", config_.auth.enabled ? "on" : "off"},
                          {"data", config_.data_dir.string()}});
  return Ok{};
}

}  // namespace portcullis::registry
