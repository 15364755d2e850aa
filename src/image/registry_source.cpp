// docker://REF — an image in a registry (distribution-spec pull): anonymous or Basic
// credentials through the Docker token flow, manifests negotiated by Accept, index platforms
// selected, layers streamed from the network exactly once.
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/encoding.hpp"
#include "base/file.hpp"
#include "http/client.hpp"
#include "http/registry_client.hpp"
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
        location_(std::move(location)),
        client_(http::RegistryEndpoint{ref_.api_host(), ref_.repository, options_.username,
                                       options_.password, options_.tls_verify, "pull", location_}) {
  }

  Result<Image> read(const LayerFilter& wanted, const LayerVisitor& visit) override {
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
      image.manifest_media_type = m->media_type;
      image.manifest_size = static_cast<int64_t>(res->body.size());
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
  Error http_error(const http::ClientResponse& res, const std::string& what) {
    return client_.http_error(res, what);
  }

  Result<http::ClientResponse> get(const std::string& path, const std::string& accept) {
    http::ClientRequest request{"GET", path, {}, "", false};
    if (!accept.empty()) request.headers.emplace_back("Accept", accept);
    return client_.send(request);
  }

  Status stream_blob(const LayerBlob& blob, const LayerVisitor& visit) {
    auto base = client_.base();
    if (!base) return base.error();
    for (int attempt = 0; attempt < 2; ++attempt) {
      http::ClientRequest request{"GET", *base + "/v2/" + ref_.repository + "/blobs/" + blob.key,
                                  client_.auth_headers(), "", false};
      http::ClientOptions options;
      options.tls_verify = options_.tls_verify;
      auto response = http::ResponseStream::open(request, options);
      if (!response) return response.error().context("{}", location_);
      if ((*response)->status() == 401 && attempt == 0) {
        PORTCULLIS_TRY(client_.authenticate((*response)->header("www-authenticate")));
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
  http::RegistryClient client_;
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
