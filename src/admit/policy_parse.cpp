// Reading a Binary Authorization policy YAML with the line of every error.

#include <algorithm>
#include <array>
#include <regex>

#include "admit/name_pattern.hpp"
#include "admit/policy.hpp"
#include "base/file.hpp"
#include "base/yaml_fields.hpp"

namespace portcullis::admit {
namespace {

constexpr std::array<std::pair<std::string_view, EvaluationMode>, 3> kEvaluationModes = {{
    {"ALWAYS_ALLOW", EvaluationMode::kAlwaysAllow},
    {"ALWAYS_DENY", EvaluationMode::kAlwaysDeny},
    {"REQUIRE_ATTESTATION", EvaluationMode::kRequireAttestation},
}};
constexpr std::array<std::pair<std::string_view, EnforcementMode>, 2> kEnforcementModes = {{
    {"ENFORCED_BLOCK_AND_AUDIT_LOG", EnforcementMode::kEnforcedBlockAndAuditLog},
    {"DRYRUN_AUDIT_LOG_ONLY", EnforcementMode::kDryrunAuditLogOnly},
}};

class Reader : public YamlFields {
 public:
  using YamlFields::YamlFields;

  Result<std::string> scalar(const YAML::Node& node, const std::string& field) const {
    return string(node, field);
  }

  template <typename T, size_t N>
  Result<T> one_of(const YAML::Node& node, const std::string& field,
                   const std::array<std::pair<std::string_view, T>, N>& values) const {
    auto text = scalar(node, field);
    if (!text) return text.error();
    std::string list;
    for (const auto& [name, value] : values) {
      if (*text == name) return value;
      list += (list.empty() ? "" : ", ") + std::string(name);
    }
    return error(node, field, fmt::format("\"{}\" is not one of {}", *text, list));
  }

  Result<AdmissionRule> rule(const YAML::Node& node, const std::string& field) const {
    PORTCULLIS_TRY(
        keys(node, field, {"evaluationMode", "enforcementMode", "requireAttestationsBy"}));
    AdmissionRule r;
    if (!node["evaluationMode"]) return error(node, join(field, "evaluationMode"), "required");
    auto eval = one_of(node["evaluationMode"], join(field, "evaluationMode"), kEvaluationModes);
    if (!eval) return eval.error();
    r.evaluation_mode = *eval;
    if (!node["enforcementMode"]) return error(node, join(field, "enforcementMode"), "required");
    auto enforce =
        one_of(node["enforcementMode"], join(field, "enforcementMode"), kEnforcementModes);
    if (!enforce) return enforce.error();
    r.enforcement_mode = *enforce;
    if (const auto& by = node["requireAttestationsBy"]; by && !by.IsNull()) {
      std::string f = join(field, "requireAttestationsBy");
      if (!by.IsSequence()) return error(by, f, "expected a list of attestor names");
      for (size_t i = 0; i < by.size(); ++i) {
        auto name = scalar(by[i], fmt::format("{}[{}]", f, i));
        if (!name) return name.error();
        if (name->empty() || name->back() == '/')
          return error(by[i], fmt::format("{}[{}]", f, i), "empty attestor name");
        r.require_attestations_by.push_back(*name);
      }
    }
    if (r.evaluation_mode == EvaluationMode::kRequireAttestation &&
        r.require_attestations_by.empty()) {
      return error(node, join(field, "requireAttestationsBy"),
                   "REQUIRE_ATTESTATION needs at least one attestor");
    }
    if (r.evaluation_mode != EvaluationMode::kRequireAttestation &&
        !r.require_attestations_by.empty()) {
      return error(node["requireAttestationsBy"], join(field, "requireAttestationsBy"),
                   "only allowed with evaluationMode REQUIRE_ATTESTATION");
    }
    return r;
  }

  // A map of rules whose keys must match `key_form` (described by `what`).
  Status rules(const YAML::Node& node, const std::string& field, const std::regex& key_form,
               const char* what, std::map<std::string, AdmissionRule>& out) const {
    if (node.IsNull()) return Ok{};
    if (!node.IsMap())
      return error(node, field, "expected a mapping of " + std::string(what) + " to rules");
    for (const auto& kv : node) {
      auto key = kv.first.as<std::string>();
      std::string f = field + "[" + key + "]";
      if (!std::regex_match(key, key_form)) {
        return error(kv.first, f, fmt::format("\"{}\" is not {}", key, what));
      }
      auto r = rule(kv.second, f);
      if (!r) return r.error();
      out[key] = std::move(*r);
    }
    return Ok{};
  }
};

}  // namespace

std::string_view evaluation_mode_name(EvaluationMode mode) {
  for (const auto& [name, value] : kEvaluationModes) {
    if (value == mode) return name;
  }
  return "";
}

std::string_view enforcement_mode_name(EnforcementMode mode) {
  for (const auto& [name, value] : kEnforcementModes) {
    if (value == mode) return name;
  }
  return "";
}

const std::vector<std::string>& system_image_patterns() {
  // The concepts document's default exemptions (gcr.io/google_containers/*, k8s.gcr.io/**) and
  // the registries the Kubernetes and GKE control planes are pulled from.
  static const std::vector<std::string> kPatterns = {
      "gcr.io/google_containers/*", "k8s.gcr.io/**",
      "registry.k8s.io/**",         "gke.gcr.io/**",
      "gcr.io/gke-release/**",      "gcr.io/gke-on-prem-release/**"};
  return kPatterns;
}

Result<AdmissionPolicy> parse_admission_policy(std::string_view text, std::string_view file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::kInvalidArgument, "{}:{}: {}", file, e.mark.line + 1, e.msg);
  }
  Reader r(file);
  PORTCULLIS_TRY(
      r.keys(root, "",
             {"name", "description", "globalPolicyEvaluationMode", "admissionWhitelistPatterns",
              "defaultAdmissionRule", "clusterAdmissionRules", "kubernetesNamespaceAdmissionRules",
              "kubernetesServiceAccountAdmissionRules", "istioServiceIdentityAdmissionRules",
              "updateTime", "etag"}));
  AdmissionPolicy p;
  if (root["name"]) {
    auto name = r.scalar(root["name"], "name");
    if (!name) return name.error();
    p.name = *name;
  }
  if (root["description"]) {
    auto d = r.scalar(root["description"], "description");
    if (!d) return d.error();
    p.description = *d;
  }
  if (const auto& g = root["globalPolicyEvaluationMode"]) {
    static constexpr std::array<std::pair<std::string_view, bool>, 3> kGlobal = {
        {{"ENABLE", true},
         {"DISABLE", false},
         {"GLOBAL_POLICY_EVALUATION_MODE_UNSPECIFIED", false}}};
    auto on = r.one_of(g, "globalPolicyEvaluationMode", kGlobal);
    if (!on) return on.error();
    p.global_policy_evaluation = *on;
  }
  if (const auto& list = root["admissionWhitelistPatterns"]; list && !list.IsNull()) {
    if (!list.IsSequence()) return r.error(list, "admissionWhitelistPatterns", "expected a list");
    for (size_t i = 0; i < list.size(); ++i) {
      std::string f = fmt::format("admissionWhitelistPatterns[{}]", i);
      PORTCULLIS_TRY(r.keys(list[i], f, {"namePattern"}));
      if (!list[i]["namePattern"]) return r.error(list[i], f + ".namePattern", "required");
      auto pattern = r.scalar(list[i]["namePattern"], f + ".namePattern");
      if (!pattern) return pattern.error();
      if (auto ok = validate_name_pattern(*pattern); !ok) {
        return r.error(list[i]["namePattern"], f + ".namePattern", ok.error().message());
      }
      p.admission_whitelist_patterns.push_back(*pattern);
    }
  }
  if (!root["defaultAdmissionRule"]) return r.error(root, "defaultAdmissionRule", "required");
  auto def = r.rule(root["defaultAdmissionRule"], "defaultAdmissionRule");
  if (!def) return def.error();
  p.default_rule = std::move(*def);
  static const std::regex kCluster("[a-z0-9-]+\\.[a-z0-9][a-z0-9-]*");
  static const std::regex kNamespace("[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
  static const std::regex kServiceAccount(
      "[a-z0-9]([a-z0-9.-]*[a-z0-9])?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?");
  static const std::regex kIstio("spiffe://[^/\\s]+/ns/[^/\\s]+/sa/[^/\\s]+");
  if (const auto& n = root["clusterAdmissionRules"]) {
    PORTCULLIS_TRY(
        r.rules(n, "clusterAdmissionRules", kCluster, "location.clusterId", p.cluster_rules));
  }
  if (const auto& n = root["kubernetesNamespaceAdmissionRules"]) {
    PORTCULLIS_TRY(r.rules(n, "kubernetesNamespaceAdmissionRules", kNamespace, "a namespace name",
                           p.namespace_rules));
  }
  if (const auto& n = root["kubernetesServiceAccountAdmissionRules"]) {
    PORTCULLIS_TRY(r.rules(n, "kubernetesServiceAccountAdmissionRules", kServiceAccount,
                           "namespace:service-account", p.service_account_rules));
  }
  if (const auto& n = root["istioServiceIdentityAdmissionRules"]) {
    PORTCULLIS_TRY(r.rules(n, "istioServiceIdentityAdmissionRules", kIstio,
                           "spiffe://TRUST-DOMAIN/ns/NAMESPACE/sa/SERVICE-ACCOUNT", p.istio_rules));
  }
  return p;
}

Result<AdmissionPolicy> load_admission_policy(const std::string& path) {
  auto text = read_file(path);
  if (!text) return make_error(ErrorCode::kInvalidArgument, "{}", text.error().what());
  return parse_admission_policy(*text, path);
}

}  // namespace portcullis::admit
