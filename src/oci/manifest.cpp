// Manifest parsing with nlohmann::json; every error names the field at fault.
#include "oci/manifest.hpp"

#include <nlohmann/json.hpp>

#include "oci/media_types.hpp"

namespace portcullis::oci {
namespace {

using nlohmann::json;

Result<std::string> string_field(const json& object, const char* field, std::string_view where,
                                 bool required) {
  auto it = object.find(field);
  if (it == object.end() || it->is_null()) {
    if (required) {
      return make_error(ErrorCode::kInvalidArgument, "{}: missing field \"{}\"", where, field);
    }
    return std::string();
  }
  if (!it->is_string()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: field \"{}\" must be a string", where,
                      field);
  }
  return it->get<std::string>();
}

Result<std::map<std::string, std::string>> annotations_of(const json& object,
                                                          std::string_view where) {
  std::map<std::string, std::string> out;
  auto it = object.find("annotations");
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: annotations must be an object", where);
  }
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: annotation \"{}\" must be a string",
                        where, k);
    }
    out[k] = v.get<std::string>();
  }
  return out;
}

Result<Descriptor> parse_descriptor(const json& object, const std::string& where) {
  if (!object.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: a descriptor must be an object", where);
  }
  auto media_type = string_field(object, "mediaType", where, true);
  if (!media_type) return media_type.error();
  auto digest_text = string_field(object, "digest", where, true);
  if (!digest_text) return digest_text.error();
  auto digest = Digest::parse(*digest_text);
  if (!digest) return digest.error().context("{}.digest", where);
  auto size = object.find("size");
  if (size == object.end() || !size->is_number_integer() || size->get<int64_t>() < 0) {
    return make_error(ErrorCode::kInvalidArgument, "{}: size must be a non-negative integer",
                      where);
  }
  Descriptor d{.media_type = *media_type, .digest = *digest, .size = size->get<int64_t>()};
  if (auto urls = object.find("urls"); urls != object.end() && !urls->is_null()) {
    if (!urls->is_array()) {
      return make_error(ErrorCode::kInvalidArgument, "{}: urls must be an array", where);
    }
    for (const auto& u : *urls) {
      if (!u.is_string()) {
        return make_error(ErrorCode::kInvalidArgument, "{}: urls must hold strings", where);
      }
      d.urls.push_back(u.get<std::string>());
    }
  }
  auto annotations = annotations_of(object, where);
  if (!annotations) return annotations.error();
  d.annotations = std::move(*annotations);
  auto artifact_type = string_field(object, "artifactType", where, false);
  if (!artifact_type) return artifact_type.error();
  d.artifact_type = *artifact_type;
  if (auto p = object.find("platform"); p != object.end() && p->is_object()) {
    Platform platform;
    platform.os = p->value("os", "");
    platform.architecture = p->value("architecture", "");
    platform.variant = p->value("variant", "");
    d.platform = platform;
  }
  return d;
}

Result<std::vector<Descriptor>> parse_descriptor_list(const json& root, const char* field,
                                                      bool required) {
  std::vector<Descriptor> out;
  auto it = root.find(field);
  if (it == root.end() || it->is_null()) {
    if (required) return make_error(ErrorCode::kInvalidArgument, "missing field \"{}\"", field);
    return out;
  }
  if (!it->is_array()) {
    return make_error(ErrorCode::kInvalidArgument, "field \"{}\" must be an array", field);
  }
  for (size_t i = 0; i < it->size(); ++i) {
    auto d = parse_descriptor((*it)[i], fmt::format("{}[{}]", field, i));
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
  return out;
}

}  // namespace

bool Manifest::is_index() const { return is_index_media_type(media_type); }

std::string Manifest::effective_artifact_type() const {
  if (!artifact_type.empty()) return artifact_type;
  if (config) return config->media_type;
  return "";
}

Result<Manifest> parse_manifest(std::string_view content_type, std::string_view body) {
  if (body.size() > kMaxManifestBytes) {
    return make_error(ErrorCode::kInvalidArgument, "manifest is {} bytes, the limit is {}",
                      body.size(), kMaxManifestBytes);
  }
  if (content_type == kDockerSchema1 || content_type == kDockerSchema1Signed) {
    return make_error(ErrorCode::kUnsupported,
                      "Docker image manifest schema 1 ({}) is deprecated and not accepted; push "
                      "schema 2 or OCI (skopeo copy --format v2s2 or --format oci converts it)",
                      content_type);
  }
  json root = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    return make_error(ErrorCode::kInvalidArgument, "manifest is not valid JSON");
  }
  if (!root.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "manifest must be a JSON object");
  }
  auto schema = root.find("schemaVersion");
  if (schema == root.end() || !schema->is_number_integer()) {
    return make_error(ErrorCode::kInvalidArgument, "manifest: missing integer schemaVersion");
  }
  if (schema->get<int64_t>() == 1) {
    return make_error(ErrorCode::kUnsupported,
                      "Docker image manifest schema 1 is deprecated and not accepted; push "
                      "schema 2 or OCI (skopeo copy --format v2s2 or --format oci converts it)");
  }
  if (schema->get<int64_t>() != 2) {
    return make_error(ErrorCode::kInvalidArgument, "manifest: schemaVersion {} is not 2",
                      schema->get<int64_t>());
  }
  Manifest m;
  auto media_type = string_field(root, "mediaType", "manifest", false);
  if (!media_type) return media_type.error();
  m.media_type = *media_type;
  if (m.media_type.empty()) {
    m.media_type = std::string(content_type);
  } else if (!content_type.empty() && content_type != m.media_type) {
    return make_error(ErrorCode::kInvalidArgument,
                      "manifest mediaType \"{}\" does not match Content-Type \"{}\"", m.media_type,
                      content_type);
  }
  if (!is_manifest_media_type(m.media_type)) {
    if (m.media_type.empty()) {
      // No mediaType and no Content-Type: tell the two shapes apart by their fields.
      m.media_type =
          root.contains("manifests") ? std::string(kOciIndex) : std::string(kOciManifest);
    } else {
      return make_error(ErrorCode::kInvalidArgument, "manifest media type \"{}\" is not supported",
                        m.media_type);
    }
  }
  auto artifact_type = string_field(root, "artifactType", "manifest", false);
  if (!artifact_type) return artifact_type.error();
  m.artifact_type = *artifact_type;
  if (m.is_index()) {
    auto children = parse_descriptor_list(root, "manifests", true);
    if (!children) return children.error().context("index");
    m.manifests = std::move(*children);
  } else {
    auto config = root.find("config");
    if (config == root.end()) {
      return make_error(ErrorCode::kInvalidArgument, "manifest: missing field \"config\"");
    }
    auto c = parse_descriptor(*config, "config");
    if (!c) return c.error().context("manifest");
    m.config = std::move(*c);
    auto layers = parse_descriptor_list(root, "layers", true);
    if (!layers) return layers.error().context("manifest");
    m.layers = std::move(*layers);
  }
  if (auto subject = root.find("subject"); subject != root.end() && !subject->is_null()) {
    auto s = parse_descriptor(*subject, "subject");
    if (!s) return s.error().context("manifest");
    m.subject = std::move(*s);
  }
  auto annotations = annotations_of(root, "manifest");
  if (!annotations) return annotations.error();
  m.annotations = std::move(*annotations);
  return m;
}

}  // namespace portcullis::oci
