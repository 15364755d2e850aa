// Attestors in Binary Authorization's REST shape.
#include "sign/attestor.hpp"

#include <cstdlib>
#include <filesystem>

#include "base/yaml_json.hpp"
#include "sign/pgp.hpp"

namespace portcullis::sign {
namespace {

Error field_error(std::string_view where, std::string_view field, std::string_view message) {
  return make_error(ErrorCode::kInvalidArgument, "{}: {}: {}", where, field, message);
}

Result<std::string> string_at(const nlohmann::json& doc, const char* key, std::string_view where,
                              std::string_view path, bool required) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) {
    if (required) return field_error(where, fmt::format("{}{}", path, key), "required");
    return std::string();
  }
  if (!it->is_string()) return field_error(where, fmt::format("{}{}", path, key), "not a string");
  return it->get<std::string>();
}

// The fingerprint of an armored key, from a throw-away GnuPG home.
Result<std::string> pgp_fingerprint(std::string_view armored) {
  char home[] = "/tmp/portcullis-gpg-XXXXXX";
  if (mkdtemp(home) == nullptr) return make_error(ErrorCode::kIo, "mkdtemp: {}", home);
  auto fingerprints = pgp_import(armored, home);
  std::error_code ec;
  std::filesystem::remove_all(home, ec);
  if (!fingerprints) return fingerprints.error();
  return fingerprints->front();
}

}  // namespace

std::string Attestor::short_name() const {
  auto slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

Result<AttestorKey> make_pkix_key(std::string_view pem, std::string_view algorithm,
                                  std::string_view id, std::string_view where) {
  auto key = PublicKey::from_pem(pem, where);
  if (!key) return key.error();
  AttestorKey k;
  k.algorithm = default_algorithm(key->type());
  if (!algorithm.empty()) {
    auto a = parse_algorithm(algorithm);
    if (!a) return a.error().context("{}: signatureAlgorithm", where);
    if (auto fits = check_fits(key->type(), *a); !fits) {
      return fits.error().context("{}: signatureAlgorithm", where);
    }
    k.algorithm = *a;
  }
  k.id = id.empty() ? key->id() : std::string(id);
  k.pkix = std::move(*key);
  k.pkix_pem = std::string(pem);
  return k;
}

Result<AttestorKey> make_pgp_key(std::string_view armored, std::string_view id,
                                 std::string_view where) {
  auto fingerprint = pgp_fingerprint(armored);
  if (!fingerprint) return fingerprint.error().context("{}: asciiArmoredPgpPublicKey", where);
  if (!id.empty() && id != *fingerprint) {
    return field_error(where, "id",
                       fmt::format("\"{}\" is not the key's fingerprint {}", id, *fingerprint));
  }
  AttestorKey k;
  k.id = *fingerprint;
  k.pgp_armored = std::string(armored);
  return k;
}

Result<Attestor> attestor_from_json(const nlohmann::json& doc, std::string_view where) {
  if (!doc.is_object()) return field_error(where, "attestor", "not a mapping");
  static const std::vector<std::string> kKnown = {
      "name", "description", "updateTime", "etag", "userOwnedGrafeasNote", "userOwnedDrydockNote"};
  for (const auto& [key, value] : doc.items()) {
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
      return field_error(where, key, "unknown field");
    }
  }
  Attestor a;
  auto name = string_at(doc, "name", where, "", true);
  if (!name) return name.error();
  a.name = *name;
  if (a.name.empty() || a.name.back() == '/') return field_error(where, "name", "empty");
  auto description = string_at(doc, "description", where, "", false);
  if (!description) return description.error();
  a.description = *description;
  const char* note_field =
      doc.contains("userOwnedGrafeasNote") ? "userOwnedGrafeasNote" : "userOwnedDrydockNote";
  if (!doc.contains(note_field)) {
    return field_error(where, "userOwnedGrafeasNote", "required");
  }
  const auto& note = doc[note_field];
  if (!note.is_object()) return field_error(where, note_field, "not a mapping");
  std::string path = std::string(note_field) + ".";
  auto reference = string_at(note, "noteReference", where, path, false);
  if (!reference) return reference.error();
  a.note_reference = *reference;
  auto keys = note.find("publicKeys");
  if (keys != note.end() && !keys->is_null()) {
    if (!keys->is_array()) return field_error(where, path + "publicKeys", "not a list");
    for (size_t i = 0; i < keys->size(); ++i) {
      const auto& k = (*keys)[i];
      std::string at = fmt::format("{}: {}publicKeys[{}]", where, path, i);
      if (!k.is_object()) return field_error(at, "", "not a mapping");
      auto id = string_at(k, "id", at, ".", false);
      if (!id) return id.error();
      auto comment = string_at(k, "comment", at, ".", false);
      if (!comment) return comment.error();
      Result<AttestorKey> key =
          field_error(at, "", "needs pkixPublicKey or asciiArmoredPgpPublicKey");
      if (k.contains("pkixPublicKey") && k.contains("asciiArmoredPgpPublicKey")) {
        return field_error(at, "", "has both pkixPublicKey and asciiArmoredPgpPublicKey");
      }
      if (k.contains("pkixPublicKey")) {
        const auto& p = k["pkixPublicKey"];
        if (!p.is_object()) return field_error(at, "pkixPublicKey", "not a mapping");
        auto pem = string_at(p, "publicKeyPem", at, "pkixPublicKey.", true);
        if (!pem) return pem.error();
        auto algorithm = string_at(p, "signatureAlgorithm", at, "pkixPublicKey.", false);
        if (!algorithm) return algorithm.error();
        auto key_id = string_at(p, "keyId", at, "pkixPublicKey.", false);
        if (!key_id) return key_id.error();
        key = make_pkix_key(*pem, *algorithm, id->empty() ? *key_id : *id, at);
      } else if (k.contains("asciiArmoredPgpPublicKey")) {
        auto armored = string_at(k, "asciiArmoredPgpPublicKey", at, "", true);
        if (!armored) return armored.error();
        key = make_pgp_key(*armored, *id, at);
      }
      if (!key) return key.error();
      key->comment = *comment;
      a.keys.push_back(std::move(*key));
    }
  }
  return a;
}

Result<std::vector<Attestor>> parse_attestors(std::string_view text, std::string_view name) {
  auto doc = parse_yaml_as_json(text, name);
  if (!doc) return doc.error();
  nlohmann::json list = *doc;
  if (doc->is_object() && doc->contains("attestors")) list = (*doc)["attestors"];
  if (list.is_object()) list = nlohmann::json::array({list});
  if (!list.is_array()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: expected an attestor, a list of attestors or {{attestors: [...]}}",
                      name);
  }
  std::vector<Attestor> out;
  for (size_t i = 0; i < list.size(); ++i) {
    auto a = attestor_from_json(
        list[i], list.size() == 1 ? std::string(name) : fmt::format("{}: [{}]", name, i));
    if (!a) return a.error();
    out.push_back(std::move(*a));
  }
  return out;
}

nlohmann::json attestor_to_json(const Attestor& attestor) {
  nlohmann::json keys = nlohmann::json::array();
  for (const auto& k : attestor.keys) {
    nlohmann::json j = {{"id", k.id}};
    if (!k.comment.empty()) j["comment"] = k.comment;
    if (k.pkix) {
      j["pkixPublicKey"] = {{"publicKeyPem", k.pkix_pem},
                            {"signatureAlgorithm", algorithm_name(k.algorithm)}};
    } else {
      j["asciiArmoredPgpPublicKey"] = k.pgp_armored;
    }
    keys.push_back(std::move(j));
  }
  nlohmann::json out = {
      {"name", attestor.name},
      {"userOwnedGrafeasNote", {{"noteReference", attestor.note_reference}, {"publicKeys", keys}}}};
  if (!attestor.description.empty()) out["description"] = attestor.description;
  return out;
}

}  // namespace portcullis::sign
