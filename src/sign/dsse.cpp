// DSSE and in-toto statements.
#include "sign/dsse.hpp"

#include <array>
#include <nlohmann/json.hpp>

#include "base/encoding.hpp"
#include "base/json_text.hpp"

namespace portcullis::sign {

std::string pae(std::string_view payload_type, std::string_view payload) {
  return fmt::format("DSSEv1 {} {} {} ", payload_type.size(), payload_type, payload.size()) +
         std::string(payload);
}

Result<std::string> make_envelope(std::string_view payload_type, std::string_view payload,
                                  const PrivateKey& key, Algorithm algorithm) {
  auto signature = key.sign(pae(payload_type, payload), algorithm);
  if (!signature) return signature.error();
  nlohmann::json envelope = {
      {"payloadType", payload_type},
      {"payload", base64_encode(payload)},
      {"signatures", nlohmann::json::array({{{"keyid", key.public_key().id()},
                                             {"sig", base64_encode(*signature)}}})}};
  return to_json_text(envelope);
}

Result<OpenedEnvelope> open_envelope(std::string_view text, const PublicKey& key,
                                     Algorithm algorithm) {
  auto envelope = nlohmann::json::parse(text, nullptr, false);
  if (!envelope.is_object() || !envelope.contains("payloadType") ||
      !envelope["payloadType"].is_string() || !envelope.contains("payload") ||
      !envelope["payload"].is_string() || !envelope.contains("signatures") ||
      !envelope["signatures"].is_array()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "not a DSSE envelope (payloadType, payload, signatures required)");
  }
  OpenedEnvelope out;
  out.payload_type = envelope["payloadType"].get<std::string>();
  auto payload = base64_decode(envelope["payload"].get<std::string>());
  if (!payload) return make_error(ErrorCode::kInvalidArgument, "DSSE payload is not base64");
  out.payload = std::move(*payload);
  std::string why = "no signatures";
  for (const auto& s : envelope["signatures"]) {
    if (!s.is_object() || !s.contains("sig") || !s["sig"].is_string()) continue;
    auto sig = base64_decode(s["sig"].get<std::string>());
    if (!sig) {
      why = "a signature is not base64";
      continue;
    }
    if (auto ok = key.verify(pae(out.payload_type, out.payload), *sig, algorithm); !ok) {
      why = ok.error().message();
      continue;
    }
    return out;
  }
  return make_error(ErrorCode::kPermissionDenied, "DSSE envelope not verified: {}", why);
}

std::string make_statement(std::string_view subject_name, std::string_view manifest_digest,
                           std::string_view predicate_type, std::string_view predicate_json) {
  auto predicate = nlohmann::json::parse(predicate_json, nullptr, false);
  std::string_view hex = manifest_digest.substr(manifest_digest.find(':') + 1);
  std::string algorithm(manifest_digest.substr(0, manifest_digest.find(':')));
  nlohmann::json statement = {
      {"_type", kStatementType},
      {"subject",
       nlohmann::json::array({{{"name", subject_name}, {"digest", {{algorithm, hex}}}}})},
      {"predicateType", predicate_type},
      {"predicate", predicate.is_discarded() ? nlohmann::json::object() : predicate}};
  return to_json_text(statement);
}

Result<Statement> parse_statement(std::string_view json) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object() || doc.value("_type", "") != kStatementType) {
    return make_error(ErrorCode::kInvalidArgument, "not an in-toto Statement v1 (_type)");
  }
  Statement s;
  s.predicate_type = doc.value("predicateType", "");
  const auto& subjects = doc["subject"];
  if (!subjects.is_array() || subjects.empty() || !subjects[0].is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "in-toto statement without a subject");
  }
  s.subject_name = subjects[0].value("name", "");
  const auto& digest = subjects[0]["digest"];
  if (digest.is_object() && digest.contains("sha256") && digest["sha256"].is_string()) {
    s.subject_digest = "sha256:" + digest["sha256"].get<std::string>();
  }
  return s;
}

Result<std::string> predicate_type_uri(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kTypes = {{
      {"slsaprovenance", "https://slsa.dev/provenance/v1"},
      {"cyclonedx", "https://cyclonedx.org/bom"},
      {"vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"},
      {"verdict", "https://portcullis.dev/attestation/verdict/v1"},
  }};
  for (const auto& [short_name, uri] : kTypes) {
    if (name == short_name) return std::string(uri);
  }
  if (name.find("://") != std::string_view::npos) return std::string(name);
  return make_error(ErrorCode::kInvalidArgument,
                    "--type {}: use slsaprovenance, cyclonedx, vuln, verdict or a URI", name);
}

}  // namespace portcullis::sign
