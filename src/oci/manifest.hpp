// Manifest and index models: the parts a registry must check and index (referenced blobs,
// children, subject, artifact type), parsed from the exact bytes a client pushed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.hpp"
#include "base/result.hpp"

namespace portcullis::oci {

struct Platform {
  std::string os;
  std::string architecture;
  std::string variant;
};

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
  std::string artifact_type;
  std::optional<Platform> platform;
};

struct Manifest {
  std::string media_type;  // from the document, else the Content-Type it was pushed with
  std::string artifact_type;
  std::optional<Descriptor> config;   // image manifests
  std::vector<Descriptor> layers;     // image manifests
  std::vector<Descriptor> manifests;  // indexes
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;

  bool is_index() const;
  // image-spec manifest.md: artifactType if set, else config.mediaType (referrers listing).
  std::string effective_artifact_type() const;
};

inline constexpr size_t kMaxManifestBytes = 4 * 1024 * 1024;

// Parses a manifest or index. `content_type` is the Content-Type it was pushed with; when the
// document has a mediaType they must agree. Schema 1 is rejected with a message saying so.
Result<Manifest> parse_manifest(std::string_view content_type, std::string_view body);

}  // namespace portcullis::oci
