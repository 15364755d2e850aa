// Transport names as skopeo users know them.
#include "image/image.hpp"
#include "image/sources.hpp"

namespace portcullis::image {

Result<std::unique_ptr<ImageSource>> open_source(std::string_view location,
                                                 const SourceOptions& options) {
  auto split_ref = [](std::string_view rest) {
    // DIR[:REF]: the last ':' separates a ref only when what follows has no '/'.
    auto colon = rest.rfind(':');
    if (colon != std::string_view::npos && rest.find('/', colon) == std::string_view::npos) {
      return std::make_pair(std::string(rest.substr(0, colon)),
                            std::string(rest.substr(colon + 1)));
    }
    return std::make_pair(std::string(rest), std::string());
  };
  if (location.starts_with("oci:")) {
    auto [dir, ref] = split_ref(location.substr(4));
    return make_oci_layout_source(dir, ref, options, std::string(location));
  }
  if (location.starts_with("docker-archive:")) {
    auto [file, ref] = split_ref(location.substr(15));
    return make_docker_archive_source(file, std::string(location));
  }
  if (location.starts_with("oci-archive:")) {
    auto [file, ref] = split_ref(location.substr(12));
    return make_oci_archive_source(file, ref, options, std::string(location));
  }
  if (location.starts_with("docker://")) {
    auto ref = oci::parse_reference(location.substr(9));
    if (!ref) return ref.error();
    auto registry = registry_credentials(*ref, options.registry);
    if (!registry) return registry.error();
    return make_registry_source(*ref, *registry, options, std::string(location));
  }
  return make_error(
      ErrorCode::kInvalidArgument,
      "\"{}\" names no transport: use oci:DIR[:REF], oci-archive:FILE[:REF], docker-archive:FILE",
      location);
}

}  // namespace portcullis::image
