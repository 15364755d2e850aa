// Media types of the OCI image spec 1.1 and Docker image manifest v2 schema 2.
#pragma once

#include <string_view>

namespace portcullis::oci {

inline constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciEmpty = "application/vnd.oci.empty.v1+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerSchema1 =
    "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view kDockerSchema1Signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";

inline bool is_index_media_type(std::string_view t) {
  return t == kOciIndex || t == kDockerManifestList;
}
inline bool is_image_manifest_media_type(std::string_view t) {
  return t == kOciManifest || t == kDockerManifest;
}
inline bool is_manifest_media_type(std::string_view t) {
  return is_index_media_type(t) || is_image_manifest_media_type(t);
}

}  // namespace portcullis::oci
