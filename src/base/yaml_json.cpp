// YAML to JSON through yaml-cpp, keeping scalars as text.
#include "base/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <string>

namespace portcullis {
namespace {

nlohmann::json convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return node.Scalar();
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(convert(item));
      return out;
    }
    case YAML::NodeType::Map: {
      auto out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.Scalar()] = convert(kv.second);
      return out;
    }
    default:
      return nullptr;
  }
}

}  // namespace

Result<nlohmann::json> parse_yaml_as_json(std::string_view text, std::string_view name) {
  try {
    return convert(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidArgument, "{}:{}:{}: {}", name, e.mark.line + 1,
                      e.mark.column + 1, e.msg);
  }
}

}  // namespace portcullis
