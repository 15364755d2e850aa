// Per-layer findings cached on disk by layer digest and analyzer versions.
#pragma once

#include <filesystem>
#include <optional>

#include "analyze/scan.hpp"

namespace portcullis::analyze {

class LayerCache {
 public:
  explicit LayerCache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::optional<LayerResult> get(const Digest& layer) const;
  Status put(const Digest& layer, const LayerResult& result) const;

 private:
  std::filesystem::path path_for(const Digest& layer) const;
  std::filesystem::path dir_;
};

}  // namespace portcullis::analyze
