// Resolving an OCI layout's index.json to one image: the ref by org.opencontainers.image.ref.name,
// nested indexes followed to the platform's manifest, then the config.
#include "image/sources.hpp"
#include "oci/media_types.hpp"

namespace portcullis::image {

namespace {

// Every blob the resolver uses must hash to the digest that named it.
Result<std::string> verified(const BlobFetcher& read_blob, const Digest& d, std::string_view what,
                             const std::string& location) {
  auto body = read_blob(d, what);
  if (!body) return body.error();
  if (digest_of(*body, d.algorithm()) != d) {
    return make_error(ErrorCode::kCorrupt, "{}: {} {} does not match its digest", location, what,
                      d.str());
  }
  return body;
}

}  // namespace

Result<Image> resolve_layout_index(std::string_view index_json, const std::string& ref,
                                   const SourceOptions& options, const std::string& location,
                                   const BlobFetcher& read_blob) {
  auto index = oci::parse_manifest(oci::kOciIndex, index_json);
  if (!index) return index.error().context("{}: index.json", location);
  std::optional<oci::Descriptor> chosen;
  std::string refs;
  for (const auto& d : index->manifests) {
    auto name = d.annotations.find("org.opencontainers.image.ref.name");
    std::string n = name == d.annotations.end() ? "" : name->second;
    refs += (refs.empty() ? "" : ", ") + (n.empty() ? d.digest.str() : n);
    if (ref.empty() ? index->manifests.size() == 1 : n == ref) chosen = d;
  }
  if (!chosen) {
    return make_error(ErrorCode::kNotFound, "{}: {}; it holds: {}", location,
                      ref.empty() ? "several images, name one with :REF" : "no image named " + ref,
                      refs);
  }
  Image image;
  image.reference = location;
  for (int depth = 0; depth < 8; ++depth) {
    auto body = verified(read_blob, chosen->digest, "manifest", location);
    if (!body) return body.error();
    auto m = oci::parse_manifest(chosen->media_type, *body);
    if (!m) return m.error().context("{}: manifest {}", location, chosen->digest.str());
    if (m->is_index()) {
      auto child = select_platform(*m, options.platform);
      if (!child) return child.error().context("{}", location);
      chosen = *child;
      continue;
    }
    image.manifest_digest = chosen->digest;
    image.manifest_media_type = m->media_type;
    image.manifest_size = static_cast<int64_t>(body->size());
    image.config_digest = m->config->digest;
    auto config = verified(read_blob, m->config->digest, "config", location);
    if (!config) return config.error();
    image.config_json = std::move(*config);
    for (const auto& l : m->layers)
      image.layers.push_back(Layer{l.digest.str(), l.digest, l.media_type, l.digest});
    PORTCULLIS_TRY(read_config(image.config_json, image));
    return image;
  }
  return make_error(ErrorCode::kCorrupt, "{}: indexes nest deeper than 8 levels", location);
}

}  // namespace portcullis::image
