// docker://REF — an image in a registry (distribution-spec pull): anonymous or Basic
// credentials through the Docker token flow, manifests negotiated by Accept, index platforms
// selected, layers streamed from the network exactly once.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/encoding.hpp"
#include "base/file.hpp"
#include "http/client.hpp"
#include "http/response_stream.hpp"
#include "image/sources.hpp"
#include "oci/media_types.hpp"

namespace portcullis::image {
namespace {

constexpr size_t kMaxJsonBytes = 8 * 1024 * 1024;
constexpr const char* kAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

// key="value" pairs of a WWW-Authenticate challenge.
std::map<std::string, std::string> challenge_params(std::string_view header) {
  std::map<std::string, std::string> out;
  auto space = header.find(' ');
  std::string_view rest = space == std::string_view::npos ? "" : header.substr(space + 1);
  while (!rest.empty()) {
    auto eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string key(rest.substr(0, eq));
    while (!key.empty() && (key.front() == ' ' || key.front() == ',')) key.erase(0, 1);
    rest.remove_prefix(eq + 1);
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      auto close = rest.find('"', 1);
      value = std::string(
          rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
      rest = close == std::string_view::npos ? "" : rest.substr(close + 1);
    } else {
      auto comma = rest.find(',');
      value = std::string(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? "" : rest.substr(comma);
    }
    out[key] = value;
  }
  return out;
}

class HttpStream final : public ByteStream {
 public:
  explicit HttpStream(http::ResponseStream& response) : response_(response) {}
  Result<size_t> read(std::span<std::byte> buffer) override { return response_.read(buffer); }

 private:
  http::ResponseStream& response_;
};

class RegistrySource final : public ImageSource {
 public:
  RegistrySource(oci::Reference ref, RegistryOptions options, SourceOptions source,
                 std::string location)
      : ref_(std::move(ref)),
        options_(std::move(options)),
        source_(std::move(source)),
        location_(std::move(location)) {
    http::ClientOptions client;
    client.tls_verify = options_.tls_verify;
    client_ = std::make_unique<http::Client>(client);
  }

  Result<Image> read(const LayerFilter& wanted, const LayerVisitor& visit) override {
    PORTCULLIS_TRY(choose_scheme());
    Image image;
    image.reference = location_;
    std::string reference = ref_.reference();
    for (int depth = 0; depth < 8; ++depth) {
      auto res = get("/v2/" + ref_.repository + "/manifests/" + reference, kAccept);
      if (!res) return res.error();
      if (res->status == 404) {
        return make_error(ErrorCode::kNotFound, "{}: manifest {} not found", location_, reference);
      }
      if (res->status != 200) return http_error(*res, "manifest " + reference);
      if (res->body.size() > kMaxJsonBytes)
        return make_error(ErrorCode::kCorrupt, "{}: manifest too large", location_);
      std::string media_type(res->header("content-type"));
      media_type = media_type.substr(0, media_type.find(';'));
      auto requested = Digest::parse(reference);
      Digest digest =
          digest_of(res->body, requested ? requested->algorithm() : DigestAlgorithm::kSha256);
      if (requested && *requested != digest) {
        return make_error(ErrorCode::kCorrupt, "{}: manifest {} has content with digest {}",
                          location_, reference, digest.str());
      }
      auto m =
          oci::parse_manifest(oci::is_manifest_media_type(media_type) ? media_type : "", res->body);
      if (!m) return m.error().context("{}: manifest {}", location_, reference);
      if (m->is_index()) {
        auto child = select_platform(*m, source_.platform);
        if (!child) return child.error().context("{}", location_);
        reference = child->digest.str();
        continue;
      }
      image.manifest_digest = digest;
      image.config_digest = m->config->digest;
      auto config = get("/v2/" + ref_.repository + "/blobs/" + m->config->digest.str(), "");
      if (!config) return config.error();
      if (config->status != 200) return http_error(*config, "config " + m->config->digest.str());
      if (digest_of(config->body, m->config->digest.algorithm()) != m->config->digest) {
        return make_error(ErrorCode::kCorrupt, "{}: config {} does not match its digest", location_,
                          m->config->digest.str());
      }
      image.config_json = std::move(config->body);
      for (const auto& l : m->layers)
        image.layers.push_back(Layer{l.digest.str(), l.digest, l.media_type, l.digest});
      PORTCULLIS_TRY(read_config(image.config_json, image));
      for (const auto& layer : image.layers) {
        LayerBlob blob{layer.key, layer.digest};
        if (!wanted(blob)) continue;
        PORTCULLIS_TRY(stream_blob(blob, visit));
      }
      return image;
    }
    return make_error(ErrorCode::kCorrupt, "{}: indexes nest deeper than 8 levels", location_);
  }

 private:
  Status choose_scheme() {
    if (!base_.empty()) return Ok{};
    base_ = "https://" + ref_.api_host();
    if (options_.tls_verify) return Ok{};
    // --tls-verify=false: like skopeo, HTTPS without verification, else plain HTTP.
    auto probe = client_->send(http::ClientRequest{"GET", base_ + "/v2/", {}, "", false});
    if (!probe) base_ = "http://" + ref_.api_host();
    return Ok{};
  }

  Error http_error(const http::ClientResponse& res, const std::string& what) {
    std::string detail = res.body.substr(0, 300);
    if (res.status == 401 || res.status == 403) {
      return make_error(ErrorCode::kPermissionDenied, "{}: {} refused ({}): {}", location_, what,
                        res.status, detail);
    }
    return make_error(ErrorCode::kIo, "{}: {} gave HTTP {}: {}", location_, what, res.status,
                      detail);
  }

  std::vector<std::pair<std::string, std::string>> auth_headers() const {
    if (authorization_.empty()) return {};
    return {{"Authorization", authorization_}};
  }

  // Answers a 401 challenge: Basic credentials directly, or a bearer token from the realm.
  Status authenticate(std::string_view challenge) {
    auto params = challenge_params(challenge);
    bool have_creds = !options_.username.empty();
    std::string basic = "Basic " + base64_encode(options_.username + ":" + options_.password);
    if (challenge.size() >= 5 &&
        (challenge.substr(0, 5) == "Basic" || challenge.substr(0, 5) == "basic")) {
      if (!have_creds)
        return make_error(ErrorCode::kPermissionDenied,
                          "{}: the registry wants credentials (--creds)", location_);
      authorization_ = basic;
      return Ok{};
    }
    std::string realm = params["realm"];
    if (realm.empty())
      return make_error(ErrorCode::kPermissionDenied, "{}: unsupported challenge: {}", location_,
                        challenge);
    std::string url = realm + (realm.find('?') == std::string::npos ? "?" : "&") +
                      "service=" + percent_encode(params["service"]) +
                      "&scope=" + percent_encode("repository:" + ref_.repository + ":pull");
    http::ClientRequest request{"GET", url, {}, "", false};
    if (have_creds) request.headers.emplace_back("Authorization", basic);
    auto res = client_->send(request);
    if (!res) return res.error();
    if (res->status != 200) return http_error(*res, "token request");
    auto body = nlohmann::json::parse(res->body, nullptr, false);
    std::string token;
    if (body.is_object()) token = body.value("token", body.value("access_token", ""));
    if (token.empty())
      return make_error(ErrorCode::kIo, "{}: the token endpoint returned no token", location_);
    authorization_ = "Bearer " + token;
    return Ok{};
  }

  Result<http::ClientResponse> get(const std::string& path, const std::string& accept) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      http::ClientRequest request{"GET", base_ + path, auth_headers(), "", false};
      if (!accept.empty()) request.headers.emplace_back("Accept", accept);
      auto res = client_->send(request);
      if (!res) return res.error().context("{}", location_);
      if (res->status == 401 && attempt == 0) {
        PORTCULLIS_TRY(authenticate(res->header("www-authenticate")));
        continue;
      }
      return res;
    }
    return make_error(ErrorCode::kPermissionDenied, "{}: authentication failed", location_);
  }

  Status stream_blob(const LayerBlob& blob, const LayerVisitor& visit) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      http::ClientRequest request{"GET", base_ + "/v2/" + ref_.repository + "/blobs/" + blob.key,
                                  auth_headers(), "", false};
      http::ClientOptions options;
      options.tls_verify = options_.tls_verify;
      auto response = http::ResponseStream::open(request, options);
      if (!response) return response.error().context("{}", location_);
      if ((*response)->status() == 401 && attempt == 0) {
        PORTCULLIS_TRY(authenticate((*response)->header("www-authenticate")));
        continue;
      }
      if ((*response)->status() != 200) {
        return make_error(ErrorCode::kIo, "{}: layer {} gave HTTP {}", location_, blob.key,
                          (*response)->status());
      }
      HttpStream stream(**response);
      return visit(blob, stream);
    }
    return make_error(ErrorCode::kPermissionDenied, "{}: authentication failed", location_);
  }

  oci::Reference ref_;
  RegistryOptions options_;
  SourceOptions source_;
  std::string location_;
  std::unique_ptr<http::Client> client_;
  std::string base_;
  std::string authorization_;
};

}  // namespace

Result<RegistryOptions> registry_credentials(const oci::Reference& ref, RegistryOptions options) {
  if (!options.username.empty()) return options;
  // ~/.docker/config.json, then containers' auth.json ($REGISTRY_AUTH_FILE or the runtime dir).
  std::vector<std::string> files;
  if (const char* f = std::getenv("REGISTRY_AUTH_FILE"); f && *f) files.emplace_back(f);
  if (const char* d = std::getenv("XDG_RUNTIME_DIR"); d && *d)
    files.push_back(std::string(d) + "/containers/auth.json");
  if (const char* d = std::getenv("DOCKER_CONFIG"); d && *d)
    files.push_back(std::string(d) + "/config.json");
  if (const char* h = std::getenv("HOME"); h && *h)
    files.push_back(std::string(h) + "/.docker/config.json");
  std::vector<std::string> keys = {ref.registry, "https://" + ref.registry,
                                   "http://" + ref.registry};
  if (ref.registry == "docker.io") keys.emplace_back("https://index.docker.io/v1/");
  for (const auto& file : files) {
    auto text = read_file(file);
    if (!text) continue;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("auths") || !j["auths"].is_object())
      continue;
    for (const auto& key : keys) {
      auto it = j["auths"].find(key);
      if (it == j["auths"].end() || !it->is_object()) continue;
      auto decoded = base64_decode(it->value("auth", ""));
      if (!decoded) continue;
      auto colon = decoded->find(':');
      if (colon == std::string::npos) continue;
      options.username = decoded->substr(0, colon);
      options.password = decoded->substr(colon + 1);
      return options;
    }
  }
  return options;
}

std::unique_ptr<ImageSource> make_registry_source(oci::Reference ref, RegistryOptions options,
                                                  SourceOptions source, std::string location) {
  return std::make_unique<RegistrySource>(std::move(ref), std::move(options), std::move(source),
                                          std::move(location));
}

}  // namespace portcullis::image
