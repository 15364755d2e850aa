// Service: a registry assembled from configuration — data directory, stores, authentication,
// the HTTP server — as `portcullis serve` and the tests run it.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "base/settings.hpp"
#include "http/server.hpp"
#include "registry/auth.hpp"
#include "registry/metrics.hpp"
#include "registry/registry.hpp"
#include "store/commit_lock.hpp"
#include "store/fs_blob_store.hpp"
#include "store/sqlite_metadata_store.hpp"

namespace portcullis::registry {

struct ServiceConfig {
  std::filesystem::path data_dir = "data";
  http::ServerOptions server;
  AuthOptions auth;
  RegistryOptions registry;
  std::chrono::seconds drain_timeout{30};
};

// Every configuration key `serve` understands (file keys outside it are errors).
const std::set<std::string>& service_config_keys();
// Reads the keys from flags, PORTCULLIS_* variables and the YAML file, in that precedence.
Result<ServiceConfig> load_service_config(const Settings& settings);

// The stores of a data directory (also used by `portcullis user` and `portcullis gc`).
struct DataDir {
  std::filesystem::path path;
  std::unique_ptr<store::SqliteMetadataStore> metadata;
  std::unique_ptr<store::FsBlobStore> blobs;
  std::unique_ptr<store::CommitLock> commit_lock;

  static Result<DataDir> open(const std::filesystem::path& path);
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> open(ServiceConfig config);

  Status listen();
  uint16_t port() const { return server_->port(); }
  void run() { server_->run(); }
  void shutdown() { server_->shutdown(config_.drain_timeout); }
  DataDir& data() { return data_; }
  Registry& registry() { return *registry_; }
  const ServiceConfig& config() const { return config_; }

 private:
  Service() = default;
  // On first start: user "admin" with PORTCULLIS_ADMIN_PASSWORD or a random password written to
  // DATA/initial-admin-password (0600).
  Status bootstrap_admin();

  ServiceConfig config_;
  DataDir data_;
  Metrics metrics_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace portcullis::registry
