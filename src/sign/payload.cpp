// Simple-signing payload JSON (containers/image docs/containers-signature.5.md).
#include "sign/payload.hpp"

#include <ctime>
#include <nlohmann/json.hpp>

#include "base/json_text.hpp"

namespace portcullis::sign {

std::string make_payload(const SimpleSigning& p) {
  // containers/image requires `optional` to be an object; skopeo fills creator and timestamp.
  nlohmann::json optional = {{"creator", "portcullis 0.1.0"},
                             {"timestamp", static_cast<int64_t>(std::time(nullptr))}};
  for (const auto& [k, v] : p.optional) optional[k] = v;
  nlohmann::json doc = {{"critical",
                         {{"identity", {{"docker-reference", p.docker_reference}}},
                          {"image", {{"docker-manifest-digest", p.manifest_digest}}},
                          {"type", p.type}}},
                        {"optional", optional}};
  return to_json_text(doc);
}

Result<SimpleSigning> parse_payload(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  auto field = [&](std::initializer_list<const char*> path) -> const nlohmann::json* {
    const nlohmann::json* at = &doc;
    for (const char* key : path) {
      if (!at->is_object() || !at->contains(key)) return nullptr;
      at = &(*at)[key];
    }
    return at;
  };
  if (!doc.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "signature payload is not a JSON object");
  }
  SimpleSigning p;
  const auto* type = field({"critical", "type"});
  const auto* digest = field({"critical", "image", "docker-manifest-digest"});
  const auto* reference = field({"critical", "identity", "docker-reference"});
  if (type == nullptr || !type->is_string()) {
    return make_error(ErrorCode::kInvalidArgument, "signature payload: critical.type missing");
  }
  p.type = type->get<std::string>();
  if (p.type != kAtomicType && p.type != kCosignType && p.type != kBinauthzType) {
    return make_error(ErrorCode::kInvalidArgument,
                      "signature payload: critical.type \"{}\" is not a container signature",
                      p.type);
  }
  if (digest == nullptr || !digest->is_string()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "signature payload: critical.image.docker-manifest-digest missing");
  }
  p.manifest_digest = digest->get<std::string>();
  if (reference != nullptr && reference->is_string()) {
    p.docker_reference = reference->get<std::string>();
  }
  if (const auto* optional = field({"optional"}); optional != nullptr && optional->is_object()) {
    for (const auto& [k, v] : optional->items()) {
      p.optional[k] = v.is_string() ? v.get<std::string>() : to_json_text(v);
    }
  }
  return p;
}

}  // namespace portcullis::sign
