#include "support/test_registry.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/log.hpp"

namespace portcullis::testing {

TestRegistry::TestRegistry(TestRegistryOptions options) {
  log::set_level(log::Level::kWarn);
  registry::ServiceConfig config;
  config.data_dir = dir_.path() / "data";
  config.server.host = "127.0.0.1";
  config.server.port = 0;
  config.auth.enabled = options.auth;
  config.auth.anonymous_pull = options.anonymous_pull;
  config.drain_timeout = std::chrono::seconds(5);
  setenv("PORTCULLIS_ADMIN_PASSWORD", options.admin_password.c_str(), 1);
  auto service = registry::Service::open(config);
  unsetenv("PORTCULLIS_ADMIN_PASSWORD");
  if (!service) {
    ADD_FAILURE() << service.error().what();
    return;
  }
  service_ = std::move(*service);
  auto listening = service_->listen();
  if (!listening) ADD_FAILURE() << listening.error().what();
  thread_ = std::thread([this] { service_->run(); });
  client_ = std::make_unique<http::Client>();
}

TestRegistry::~TestRegistry() {
  if (service_) service_->shutdown();
  if (thread_.joinable()) thread_.join();
}

void TestRegistry::set_basic_auth(std::string user, std::string password) {
  user_ = std::move(user);
  password_ = std::move(password);
  http::ClientOptions options;
  options.basic_user = user_;
  options.basic_password = password_;
  client_ = std::make_unique<http::Client>(options);
}

std::string TestRegistry::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(service_->port()) + std::string(path);
}

http::ClientResponse TestRegistry::send(const std::string& method, std::string_view path,
                                        std::string body,
                                        std::vector<std::pair<std::string, std::string>> headers) {
  http::ClientRequest request;
  request.method = method;
  request.url = url(path);
  request.body = std::move(body);
  request.send_body = method == "PUT" || method == "POST" || method == "PATCH";
  request.headers = std::move(headers);
  auto response = client_->send(request);
  if (!response) {
    ADD_FAILURE() << response.error().what();
    return {};
  }
  return *response;
}

std::string TestRegistry::push_blob(std::string_view repository, const std::string& content) {
  std::string digest = digest_of(content).str();
  auto res = send("POST", "/v2/" + std::string(repository) + "/blobs/uploads/?digest=" + digest,
                  content, {{"Content-Type", "application/octet-stream"}});
  EXPECT_EQ(res.status, 201) << res.body;
  return digest;
}

http::ClientResponse TestRegistry::push_manifest(std::string_view repository,
                                                 std::string_view reference,
                                                 const std::string& media_type,
                                                 const std::string& body) {
  return send("PUT", "/v2/" + std::string(repository) + "/manifests/" + std::string(reference),
              body, {{"Content-Type", media_type}});
}

std::string image_manifest(const std::string& config_digest, int64_t config_size,
                           const std::vector<std::pair<std::string, int64_t>>& layers,
                           const std::string& subject_digest, int64_t subject_size,
                           const std::string& artifact_type) {
  nlohmann::json m = {{"schemaVersion", 2},
                      {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                      {"config",
                       {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                        {"digest", config_digest},
                        {"size", config_size}}},
                      {"layers", nlohmann::json::array()}};
  for (const auto& [digest, size] : layers) {
    m["layers"].push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"},
                           {"digest", digest},
                           {"size", size}});
  }
  if (!subject_digest.empty()) {
    m["subject"] = {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                    {"digest", subject_digest},
                    {"size", subject_size}};
  }
  if (!artifact_type.empty()) m["artifactType"] = artifact_type;
  return m.dump();
}

}  // namespace portcullis::testing
