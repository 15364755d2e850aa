// Strict reading of a YAML document for configuration files: every error names the file, the
// line and the field path ("policy.yaml:4: rules[0].severity: …"); unknown keys are errors.
// Readers of particular formats (scan policies, admission policies) build on it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace portcullis {

class YamlFields {
 public:
  explicit YamlFields(std::string_view file) : file_(file) {}

  Error error(const YAML::Node& node, const std::string& field, const std::string& message) const;
  // Ok when `map` is a mapping whose keys are all in `allowed`.
  Status keys(const YAML::Node& map, const std::string& field,
              std::initializer_list<std::string_view> allowed) const;
  Result<std::string> string(const YAML::Node& node, const std::string& field) const;
  // "FILE:LINE" of a node.
  std::string where(const YAML::Node& node) const;
  // "a.b": a field path.
  static std::string join(const std::string& field, std::string_view key);

 protected:
  std::string file_;
};

}  // namespace portcullis
