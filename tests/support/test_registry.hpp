// An in-process registry on a free loopback port with its own data directory, and a client.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "http/client.hpp"
#include "registry/service.hpp"
#include "support/temp_dir.hpp"

namespace portcullis::testing {

struct TestRegistryOptions {
  bool auth = false;
  bool anonymous_pull = false;
  std::string admin_password = "admin-secret";
};

class TestRegistry {
 public:
  explicit TestRegistry(TestRegistryOptions options = {});
  ~TestRegistry();

  std::string url(std::string_view path) const;
  http::ClientResponse send(const std::string& method, std::string_view path, std::string body = "",
                            std::vector<std::pair<std::string, std::string>> headers = {});
  // Pushes a blob monolithically; returns its digest string.
  std::string push_blob(std::string_view repository, const std::string& content);
  // Pushes a manifest; returns the response.
  http::ClientResponse push_manifest(std::string_view repository, std::string_view reference,
                                     const std::string& media_type, const std::string& body);
  registry::Service& service() { return *service_; }
  const std::filesystem::path& data_dir() const { return dir_.path(); }
  void set_basic_auth(std::string user, std::string password);

 private:
  TempDir dir_;
  std::unique_ptr<registry::Service> service_;
  std::thread thread_;
  std::unique_ptr<http::Client> client_;
  std::string user_;
  std::string password_;
};

// A minimal OCI image manifest referencing config and layers by content.
std::string image_manifest(const std::string& config_digest, int64_t config_size,
                           const std::vector<std::pair<std::string, int64_t>>& layers,
                           const std::string& subject_digest = "", int64_t subject_size = 0,
                           const std::string& artifact_type = "");

}  // namespace portcullis::testing
