// SBOM and report writers over an Inventory: CycloneDX 1.5 JSON, SPDX 2.3 JSON, JSON, table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "analyze/inventory.hpp"
#include "base/result.hpp"

namespace portcullis::sbom {

// What the document describes.
struct Subject {
  std::string reference;        // as the user named the image
  std::string manifest_digest;  // empty when the source has none (docker-archive)
  std::string config_digest;
  std::string platform;   // os/arch[/variant]
  std::string timestamp;  // RFC 3339, UTC
};

// The CycloneDX document as JSON, for writers that add sections (vulnerabilities).
nlohmann::json cyclonedx_document(const analyze::Inventory& inventory, const Subject& subject);
std::string write_cyclonedx(const analyze::Inventory& inventory, const Subject& subject);
std::string write_spdx(const analyze::Inventory& inventory, const Subject& subject);
std::string write_json(const analyze::Inventory& inventory, const Subject& subject);
std::string write_table(const analyze::Inventory& inventory, const Subject& subject);

// "cyclonedx-json", "spdx-json", "json", "table".
Result<std::string> write(std::string_view format, const analyze::Inventory& inventory,
                          const Subject& subject);

}  // namespace portcullis::sbom
