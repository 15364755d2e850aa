// CycloneDX 1.5 JSON (cyclonedx.org/docs/1.5/json): one component per package with purl and
// bom-ref, layer and location as properties; metadata.component is the image.
#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/json_text.hpp"
#include "sbom/writers.hpp"

namespace portcullis::sbom {

nlohmann::json cyclonedx_document(const analyze::Inventory& inventory, const Subject& subject) {
  using nlohmann::json;
  json components = json::array();
  for (const auto& p : inventory.packages) {
    json properties =
        json::array({{{"name", "portcullis:package:type"}, {"value", p.type}},
                     {{"name", "portcullis:layer:diff_id"}, {"value", p.layer_diff_id}},
                     {{"name", "portcullis:location"}, {"value", p.path}}});
    if (!p.source_name.empty()) {
      properties.push_back({{"name", "portcullis:source:name"}, {"value", p.source_name}});
      properties.push_back({{"name", "portcullis:source:version"}, {"value", p.source_version}});
    }
    components.push_back({{"bom-ref", analyze::bom_ref(p)},
                          {"type", "library"},
                          {"name", p.name},
                          {"version", analyze::full_version(p)},
                          {"purl", p.purl},
                          {"properties", properties}});
  }
  json image = {{"bom-ref", subject.reference}, {"type", "container"}, {"name", subject.reference}};
  if (!subject.manifest_digest.empty()) {
    auto colon = subject.manifest_digest.find(':');
    image["hashes"] = json::array(
        {{{"alg", subject.manifest_digest.starts_with("sha512") ? "SHA-512" : "SHA-256"},
          {"content", subject.manifest_digest.substr(colon + 1)}}});
    image["version"] = subject.manifest_digest;
  }
  json properties = json::array();
  if (!inventory.os.empty()) {
    properties.push_back(
        {{"name", "portcullis:os"}, {"value", inventory.os.id + " " + inventory.os.version_id}});
  }
  properties.push_back({{"name", "portcullis:image:config"}, {"value", subject.config_digest}});
  properties.push_back({{"name", "portcullis:image:platform"}, {"value", subject.platform}});
  json doc = {
      {"bomFormat", "CycloneDX"},
      {"specVersion", "1.5"},
      {"serialNumber", "urn:uuid:" +
                           [&] {
                             // Deterministic for the same image and content: a name-based
                             // identifier.
                             std::string h = digest_of(subject.reference + subject.manifest_digest +
                                                       subject.config_digest)
                                                 .hex();
                             return h.substr(0, 8) + "-" + h.substr(8, 4) + "-5" + h.substr(13, 3) +
                                    "-a" + h.substr(17, 3) + "-" + h.substr(20, 12);
                           }()},
      {"version", 1},
      {"metadata",
       {{"timestamp", subject.timestamp},
        {"tools",
         {{"components",
           json::array(
               {{{"type", "application"}, {"name", "portcullis"}, {"version", "0.1.0"}}})}}},
        {"component", image},
        {"properties", properties}}},
      {"components", components}};
  return doc;
}

std::string write_cyclonedx(const analyze::Inventory& inventory, const Subject& subject) {
  return to_json_text(cyclonedx_document(inventory, subject), 2) + "\n";
}

}  // namespace portcullis::sbom
