// Reading the parts of an image config the scanner needs, and platform selection.
#include <nlohmann/json.hpp>

#include "image/image.hpp"

namespace portcullis::image {

Status read_config(std::string_view config_json, Image& image) {
  auto config = nlohmann::json::parse(config_json, nullptr, false);
  if (config.is_discarded() || !config.is_object()) {
    return make_error(ErrorCode::kCorrupt, "image config {} is not a JSON object",
                      image.config_digest.str());
  }
  image.platform.os = config.value("os", "");
  image.platform.architecture = config.value("architecture", "");
  image.platform.variant = config.value("variant", "");
  auto rootfs = config.find("rootfs");
  if (rootfs == config.end() || !rootfs->is_object() || !rootfs->contains("diff_ids") ||
      !(*rootfs)["diff_ids"].is_array()) {
    return make_error(ErrorCode::kCorrupt, "image config {}: missing rootfs.diff_ids",
                      image.config_digest.str());
  }
  const auto& diff_ids = (*rootfs)["diff_ids"];
  if (diff_ids.size() != image.layers.size()) {
    return make_error(ErrorCode::kCorrupt, "image config {} lists {} diff_ids for {} layers",
                      image.config_digest.str(), diff_ids.size(), image.layers.size());
  }
  for (size_t i = 0; i < diff_ids.size(); ++i) {
    if (!diff_ids[i].is_string()) {
      return make_error(ErrorCode::kCorrupt, "image config: rootfs.diff_ids[{}] is not a string",
                        i);
    }
    auto d = Digest::parse(diff_ids[i].get<std::string>());
    if (!d) return d.error().context("image config: rootfs.diff_ids[{}]", i);
    image.layers[i].diff_id = *d;
  }
  return Ok{};
}

Result<oci::Descriptor> select_platform(const oci::Manifest& index, std::string_view platform) {
  std::string os, arch, variant;
  {
    std::string_view p = platform;
    auto a = p.find('/');
    if (a == std::string_view::npos) {
      return make_error(ErrorCode::kInvalidArgument, "platform \"{}\" is not os/arch[/variant]",
                        platform);
    }
    os = p.substr(0, a);
    auto b = p.find('/', a + 1);
    arch = p.substr(a + 1, b == std::string_view::npos ? std::string_view::npos : b - a - 1);
    if (b != std::string_view::npos) variant = p.substr(b + 1);
  }
  std::string available;
  for (const auto& d : index.manifests) {
    if (!d.platform) continue;
    const auto& pl = *d.platform;
    std::string name = pl.os + "/" + pl.architecture + (pl.variant.empty() ? "" : "/" + pl.variant);
    if (!available.empty()) available += ", ";
    available += name;
    if (pl.os == os && pl.architecture == arch && (variant.empty() || pl.variant == variant))
      return d;
  }
  return make_error(ErrorCode::kNotFound, "no manifest for platform {} in the index; it has: {}",
                    platform, available.empty() ? "no platforms" : available);
}

}  // namespace portcullis::image
