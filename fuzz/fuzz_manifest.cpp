// Fuzzes manifest/index parsing with every media type a client may claim.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "oci/manifest.hpp"
#include "oci/media_types.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr std::string_view kTypes[] = {"",
                                                portcullis::oci::kOciManifest,
                                                portcullis::oci::kOciIndex,
                                                portcullis::oci::kDockerManifest,
                                                portcullis::oci::kDockerManifestList,
                                                portcullis::oci::kDockerSchema1};
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto m = portcullis::oci::parse_manifest(kTypes[data[0] % 6], body);
  if (m) (void)m->effective_artifact_type();
  return 0;
}
