// Inventories as JSON, so a scan result can be kept and matched again against a newer
// vulnerability DB without reading the image's layers again (the layer cache and the
// pipeline's stored scans).
#pragma once

#include <nlohmann/json.hpp>

#include "analyze/inventory.hpp"
#include "base/result.hpp"

namespace portcullis::analyze {

nlohmann::json package_json(const Package& p);
Package package_from(const nlohmann::json& j);

nlohmann::json inventory_json(const Inventory& inventory);
// kCorrupt when the document is not an inventory.
Result<Inventory> inventory_from(const nlohmann::json& j);

}  // namespace portcullis::analyze
