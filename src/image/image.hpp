// An image as the scanner sees it: where it came from, its manifest and config, and its layers
// bottom to top; and ImageSource, which yields each layer's stored bytes exactly once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/digest.hpp"
#include "image/byte_stream.hpp"
#include "oci/manifest.hpp"
#include "oci/reference.hpp"

namespace portcullis::image {

struct Layer {
  std::string key;               // how the source names the stored blob (digest or archive member)
  std::optional<Digest> digest;  // digest of the stored blob, when the source names one
  std::string media_type;
  Digest diff_id;  // from the config's rootfs.diff_ids
};

struct Image {
  std::string reference;  // as the user gave it
  std::optional<Digest> manifest_digest;
  std::string manifest_media_type;  // with manifest_digest
  int64_t manifest_size = 0;
  std::string config_json;
  Digest config_digest = digest_of("");
  oci::Platform platform;
  std::vector<Layer> layers;  // bottom to top
};

// A stored layer blob as it streams past: `key` matches Layer::key; `expected` is the digest the
// bytes must have, when known before reading.
struct LayerBlob {
  std::string key;
  std::optional<Digest> expected;
};
using LayerVisitor = std::function<Status(const LayerBlob&, ByteStream&)>;
// Tells whether a layer must be read at all (false when its analysis is cached).
using LayerFilter = std::function<bool(const LayerBlob&)>;

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  // Streams the layers the filter wants, each once, in the order the source stores them, then
  // returns the image with its layers in order.
  virtual Result<Image> read(const LayerFilter& wanted, const LayerVisitor& visit) = 0;
};

// How to reach a registry for docker:// images.
struct RegistryOptions {
  std::string username;  // --creds USER:PASS, else from ~/.docker/config.json or auth.json
  std::string password;
  bool tls_verify = true;  // false: HTTPS without verification, or plain HTTP
};

// Fills in credentials from Docker's or containers' auth files when none were given
// ($REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, $DOCKER_CONFIG, ~/.docker).
Result<RegistryOptions> registry_credentials(const oci::Reference& ref, RegistryOptions options);

struct SourceOptions {
  std::string platform = "linux/amd64";  // os/arch[/variant], for indexes
  RegistryOptions registry;
};

// "oci:DIR[:REF]", "oci-archive:FILE[:REF]", "docker-archive:FILE" (tar, or gzip-wrapped tar),
// "docker://[REGISTRY/]REPO[:TAG][@DIGEST]".
Result<std::unique_ptr<ImageSource>> open_source(std::string_view location,
                                                 const SourceOptions& options);

// Parses the config's rootfs.diff_ids and platform.
Status read_config(std::string_view config_json, Image& image);
// Chooses the manifest for `platform` from an index; the error lists the platforms that exist.
Result<oci::Descriptor> select_platform(const oci::Manifest& index, std::string_view platform);

}  // namespace portcullis::image
