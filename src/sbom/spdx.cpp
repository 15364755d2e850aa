// SPDX 2.3 JSON (spdx.github.io/spdx-spec/v2.3): the image is the described package; each
// found package is CONTAINED_BY it and carries its purl as a PACKAGE-MANAGER external ref.
#include <nlohmann/json.hpp>

#include "base/digest.hpp"
#include "base/json_text.hpp"
#include "sbom/writers.hpp"

namespace portcullis::sbom {
namespace {

// SPDX ids allow letters, digits, '.' and '-'.
std::string spdx_id(std::string_view prefix, std::string_view seed) {
  return std::string(prefix) + "-" + digest_of(seed).hex().substr(0, 16);
}

}  // namespace

std::string write_spdx(const analyze::Inventory& inventory, const Subject& subject) {
  using nlohmann::json;
  std::string image_id = spdx_id("SPDXRef-Image", subject.reference + subject.manifest_digest);
  json image = {{"SPDXID", image_id},
                {"name", subject.reference},
                {"downloadLocation", "NOASSERTION"},
                {"filesAnalyzed", false},
                {"primaryPackagePurpose", "CONTAINER"}};
  if (!subject.manifest_digest.empty()) {
    image["versionInfo"] = subject.manifest_digest;
    image["checksums"] = json::array(
        {{{"algorithm", subject.manifest_digest.starts_with("sha512") ? "SHA512" : "SHA256"},
          {"checksumValue",
           subject.manifest_digest.substr(subject.manifest_digest.find(':') + 1)}}});
  }
  json packages = json::array({image});
  json relationships = json::array({{{"spdxElementId", "SPDXRef-DOCUMENT"},
                                     {"relationshipType", "DESCRIBES"},
                                     {"relatedSpdxElement", image_id}}});
  for (const auto& p : inventory.packages) {
    std::string id = spdx_id("SPDXRef-Package", p.purl + "|" + p.path);
    packages.push_back({{"SPDXID", id},
                        {"name", p.name},
                        {"versionInfo", analyze::full_version(p)},
                        {"downloadLocation", "NOASSERTION"},
                        {"filesAnalyzed", false},
                        {"sourceInfo", "found in " + p.path + " (layer " + p.layer_diff_id + ")"},
                        {"externalRefs", json::array({{{"referenceCategory", "PACKAGE-MANAGER"},
                                                       {"referenceType", "purl"},
                                                       {"referenceLocator", p.purl}}})}});
    relationships.push_back({{"spdxElementId", id},
                             {"relationshipType", "CONTAINED_BY"},
                             {"relatedSpdxElement", image_id}});
  }
  json doc = {
      {"spdxVersion", "SPDX-2.3"},
      {"dataLicense", "CC0-1.0"},
      {"SPDXID", "SPDXRef-DOCUMENT"},
      {"name", subject.reference},
      {"documentNamespace",
       "https://portcullis.invalid/spdx/" +
           digest_of(subject.reference + subject.manifest_digest + subject.config_digest).hex()},
      {"creationInfo",
       {{"created", subject.timestamp}, {"creators", json::array({"Tool: portcullis-0.1.0"})}}},
      {"packages", packages},
      {"relationships", relationships}};
  return to_json_text(doc, 2) + "\n";
}

}  // namespace portcullis::sbom
