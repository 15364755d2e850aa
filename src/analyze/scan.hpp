// Analysis of a whole image: each layer is read once (or its findings come from the cache),
// then the layers are merged bottom to top into the final filesystem's inventory.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>

#include "analyze/analyzer.hpp"
#include "image/image.hpp"

namespace portcullis::analyze {

struct ScanOptions {
  std::optional<std::filesystem::path> cache_dir;  // no cache when empty
  uint64_t max_layer_bytes = uint64_t{64} << 30;   // decompressed size limit per layer
  // Called as layer bytes stream in (about every MiB) and after each layer.
  std::function<void(uint64_t bytes_read, int layers_done)> progress;
};

struct LayerResult {
  LayerFindings findings;
  Digest diff_id = digest_of("");  // computed while reading
};

// Reads one layer blob once: verifies its digest (when `expected` is given), decompresses,
// computes its diff_id and runs every analyzer over the files it wants.
Result<LayerResult> analyze_layer(image::ByteStream& blob, const std::optional<Digest>& expected,
                                  uint64_t max_layer_bytes);

// Merges per-layer findings (bottom to top) into the final filesystem's inventory.
Inventory merge_layers(const std::vector<const LayerFindings*>& layers,
                       const std::vector<std::string>& diff_ids);

// The config's user, env, labels, history and creation time; secrets in them are appended to
// `secrets` (location env, label or history).
ImageConfigFacts read_config_facts(std::string_view config_json, std::vector<Secret>& secrets);

struct ScanResult {
  image::Image image;
  Inventory inventory;
  int layers_read = 0;
  int layers_cached = 0;
};

Result<ScanResult> scan_image(image::ImageSource& source, const ScanOptions& options);

}  // namespace portcullis::analyze
