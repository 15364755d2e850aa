// Field-path errors for YAML configuration files.
#include "base/yaml_fields.hpp"

#include <algorithm>

namespace portcullis {

Error YamlFields::error(const YAML::Node& node, const std::string& field,
                        const std::string& message) const {
  return make_error(ErrorCode::kInvalidArgument, "{}:{}: {}: {}", file_, node.Mark().line + 1,
                    field, message);
}

Status YamlFields::keys(const YAML::Node& map, const std::string& field,
                        std::initializer_list<std::string_view> allowed) const {
  if (!map.IsMap()) return error(map, field, "expected a mapping");
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return error(kv.first, join(field, key), "unknown field (expected one of: " + list + ")");
    }
  }
  return Ok{};
}

Result<std::string> YamlFields::string(const YAML::Node& node, const std::string& field) const {
  if (!node.IsScalar()) return error(node, field, "expected a string");
  return node.Scalar();
}

std::string YamlFields::where(const YAML::Node& node) const {
  return fmt::format("{}:{}", file_, node.Mark().line + 1);
}

std::string YamlFields::join(const std::string& field, std::string_view key) {
  return field.empty() ? std::string(key) : field + "." + std::string(key);
}

}  // namespace portcullis
