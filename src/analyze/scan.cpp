// scan_image: read (or recall) every layer once, check diff_ids against the config, merge.
#include "analyze/scan.hpp"

#include <map>

#include "analyze/layer_cache.hpp"

namespace portcullis::analyze {
namespace {

// Counts the bytes of a layer blob as they pass, for progress reports.
class CountingStream final : public image::ByteStream {
 public:
  CountingStream(image::ByteStream& inner, uint64_t& total, const ScanOptions& options,
                 int layers_done)
      : inner_(inner), total_(total), options_(options), layers_done_(layers_done) {}
  Result<size_t> read(std::span<std::byte> buffer) override {
    auto n = inner_.read(buffer);
    if (n && *n > 0) {
      total_ += *n;
      since_report_ += *n;
      if (since_report_ >= (1 << 20) && options_.progress) {
        since_report_ = 0;
        options_.progress(total_, layers_done_);
      }
    }
    return n;
  }

 private:
  image::ByteStream& inner_;
  uint64_t& total_;
  const ScanOptions& options_;
  int layers_done_;
  uint64_t since_report_ = 0;
};

}  // namespace

Result<ScanResult> scan_image(image::ImageSource& source, const ScanOptions& options) {
  std::optional<LayerCache> cache;
  if (options.cache_dir) cache.emplace(*options.cache_dir);
  std::map<std::string, LayerResult> results;  // by layer key
  ScanResult scan{};
  auto wanted = [&](const image::LayerBlob& blob) {
    if (!cache || !blob.expected) return true;
    auto hit = cache->get(*blob.expected);
    if (!hit) return true;
    results.emplace(blob.key, std::move(*hit));
    ++scan.layers_cached;
    return false;
  };
  uint64_t bytes_read = 0;
  auto visit = [&](const image::LayerBlob& blob, image::ByteStream& stream) -> Status {
    CountingStream counted(stream, bytes_read, options, scan.layers_read + scan.layers_cached);
    auto result = analyze_layer(counted, blob.expected, options.max_layer_bytes);
    if (!result) return result.error().context("layer {}", blob.key);
    ++scan.layers_read;
    if (options.progress) options.progress(bytes_read, scan.layers_read + scan.layers_cached);
    if (cache && blob.expected)
      (void)cache->put(*blob.expected, *result);  // a cache is best effort
    results.insert_or_assign(blob.key, std::move(*result));
    return Ok{};
  };
  auto image = source.read(wanted, visit);
  if (!image) return image.error();
  std::vector<const LayerFindings*> layers;
  std::vector<std::string> diff_ids;
  for (size_t i = 0; i < image->layers.size(); ++i) {
    const auto& layer = image->layers[i];
    auto it = results.find(layer.key);
    if (it == results.end()) {
      return make_error(ErrorCode::kCorrupt, "{}: layer {} is missing", image->reference,
                        layer.key);
    }
    if (it->second.diff_id != layer.diff_id) {
      return make_error(ErrorCode::kCorrupt,
                        "{}: layer {} uncompresses to {}, but the config says diff_id {}",
                        image->reference, layer.key, it->second.diff_id.str(), layer.diff_id.str());
    }
    layers.push_back(&it->second.findings);
    diff_ids.push_back(layer.diff_id.str());
  }
  scan.inventory = merge_layers(layers, diff_ids);
  std::vector<Secret> config_secrets;
  scan.inventory.config = read_config_facts(image->config_json, config_secrets);
  scan.inventory.secrets.insert(scan.inventory.secrets.begin(), config_secrets.begin(),
                                config_secrets.end());
  scan.image = std::move(*image);
  return scan;
}

}  // namespace portcullis::analyze
