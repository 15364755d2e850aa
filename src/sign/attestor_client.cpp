// Attestor API calls over http::RegistryClient (Basic credentials on the server's challenge).
#include "sign/attestor_client.hpp"

#include "base/encoding.hpp"
#include "base/json_text.hpp"

namespace portcullis::sign {
namespace {

std::string path_for(std::string_view name) {
  return std::string(kAttestorApi) + "/" + percent_encode(std::string(name));
}

// The JSON body of a 2xx answer, or an error carrying the server's message.
Result<nlohmann::json> call(http::RegistryClient& client, const char* method,
                            const std::string& path, const std::string& body,
                            const std::string& what) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  auto res = client.send({method, path, headers, body, !body.empty()});
  if (!res) return res.error();
  if (res->status / 100 != 2) {
    auto doc = nlohmann::json::parse(res->body, nullptr, false);
    std::string message;
    if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array() &&
        !doc["errors"].empty() && doc["errors"][0].is_object()) {
      message = doc["errors"][0].value("message", "");
    }
    ErrorCode code = res->status == 404                         ? ErrorCode::kNotFound
                     : res->status == 409                       ? ErrorCode::kAlreadyExists
                     : res->status == 400                       ? ErrorCode::kInvalidArgument
                     : res->status == 401 || res->status == 403 ? ErrorCode::kPermissionDenied
                                                                : ErrorCode::kIo;
    return make_error(code, "{}: {}: HTTP {}{}", client.endpoint().location, what, res->status,
                      message.empty() ? "" : ": " + message);
  }
  if (res->body.empty()) return nlohmann::json(nullptr);
  auto doc = nlohmann::json::parse(res->body, nullptr, false);
  if (doc.is_discarded()) {
    return make_error(ErrorCode::kCorrupt, "{}: {}: the answer is not JSON",
                      client.endpoint().location, what);
  }
  return doc;
}

}  // namespace

nlohmann::json attestor_key_to_json(const AttestorKey& key) {
  Attestor one;
  one.keys.push_back(key);
  return attestor_to_json(one)["userOwnedGrafeasNote"]["publicKeys"][0];
}

Result<std::vector<Attestor>> list_attestors(http::RegistryClient& client) {
  auto doc = call(client, "GET", std::string(kAttestorApi), "", "attestors");
  if (!doc) return doc.error();
  std::vector<Attestor> out;
  if (!doc->is_object() || !(*doc)["attestors"].is_array()) return out;
  for (const auto& a : (*doc)["attestors"]) {
    auto parsed = attestor_from_json(a, client.endpoint().location);
    if (!parsed) return parsed.error();
    out.push_back(std::move(*parsed));
  }
  return out;
}

Result<Attestor> get_attestor(http::RegistryClient& client, std::string_view name) {
  auto doc = call(client, "GET", path_for(name), "", "attestor " + std::string(name));
  if (!doc) return doc.error();
  return attestor_from_json(*doc, client.endpoint().location + " attestor " + std::string(name));
}

Status create_attestor(http::RegistryClient& client, const Attestor& attestor) {
  auto doc = call(client, "POST", std::string(kAttestorApi),
                  to_json_text(attestor_to_json(attestor)), "create attestor " + attestor.name);
  if (!doc) return doc.error();
  return Ok{};
}

Result<Attestor> add_attestor_key(http::RegistryClient& client, std::string_view name,
                                  const AttestorKey& key) {
  auto doc = call(client, "POST", path_for(name) + "/publicKeys",
                  to_json_text(attestor_key_to_json(key)), "add key to " + std::string(name));
  if (!doc) return doc.error();
  return attestor_from_json(*doc, client.endpoint().location + " attestor " + std::string(name));
}

Status delete_attestor(http::RegistryClient& client, std::string_view name) {
  auto doc = call(client, "DELETE", path_for(name), "", "delete attestor " + std::string(name));
  if (!doc) return doc.error();
  return Ok{};
}

}  // namespace portcullis::sign
