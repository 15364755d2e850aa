// Storage layouts (over an OCI layout directory, the same code a registry store runs), candidate
// verification and each way it must refuse, and attestor documents.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "sign/attestor.hpp"
#include "sign/dsse.hpp"
#include "sign/payload.hpp"
#include "sign/storage.hpp"
#include "sign/verify.hpp"
#include "support/temp_dir.hpp"

namespace portcullis::sign {
namespace {

const std::string kDigest =
    "sha256:27b06bdf644ab5fb17e2ebb073c440d5499330addde7ff86f2c7a8aaa4a5b18a";
const std::string kOtherDigest =
    "sha256:ec31b8c2e53d2c9b2fffa1b37de75533d1f895eced575ba2e0bdb332f860a5fe";

struct Signer {
  PrivateKey key = *PrivateKey::generate(KeyType::kEcdsaP256);
  AttestorKey trusted() const {
    return *make_pkix_key(*key.public_key().to_pem(), "", "", "test.pub");
  }
  std::string payload(const std::string& digest, const std::string& identity) const {
    SimpleSigning p;
    p.manifest_digest = digest;
    p.docker_reference = identity;
    return make_payload(p);
  }
  StoredSignature signature(const std::string& digest, const std::string& identity) const {
    auto body = payload(digest, identity);
    return {body, *key.sign(body, Algorithm::kEcdsaP256Sha256), "test"};
  }
  StoredAttestation attestation(const std::string& digest, const std::string& type) const {
    auto statement = make_statement("example.com/app", digest, type, R"({"a":1})");
    return {*make_envelope(kInTotoPayloadType, statement, key, Algorithm::kEcdsaP256Sha256), type,
            "test"};
  }
};

Subject subject() { return {kDigest, "application/vnd.oci.image.manifest.v1+json", 1234}; }

TEST(Storage, SignatureIsStoredInTheTagLayoutAndAsAReferrerAndFoundOnce) {
  testing::TempDir dir;
  auto store = layout_store(dir.path() / "sigs", true);
  ASSERT_TRUE(store) << store.error().what();
  Signer s;
  auto sig = s.signature(kDigest, "example.com/app:1");
  ASSERT_TRUE(push_signature(**store, subject(), sig.payload, sig.signature));
  auto tagged = (*store)->get_manifest(signature_tag(kDigest));
  ASSERT_TRUE(tagged && *tagged);
  auto referrers = (*store)->referrers(kDigest);
  ASSERT_TRUE(referrers && *referrers);
  ASSERT_EQ((*referrers)->size(), 1u);
  EXPECT_EQ((**referrers)[0]["artifactType"], kSignatureArtifactType);
  EXPECT_TRUE((*(*store)->referrers(kOtherDigest))->empty());
  auto found = fetch_signatures(**store, kDigest);
  ASSERT_TRUE(found) << found.error().what();
  ASSERT_EQ(found->size(), 1u);  // the same layer in both layouts is one candidate
  EXPECT_EQ((*found)[0].payload, sig.payload);
  EXPECT_EQ((*found)[0].signature, sig.signature);
  // A second signature is added, the first kept.
  auto sig2 = s.signature(kDigest, "example.com/app:2");
  ASSERT_TRUE(push_signature(**store, subject(), sig2.payload, sig2.signature));
  EXPECT_EQ(fetch_signatures(**store, kDigest)->size(), 2u);
  EXPECT_TRUE(fetch_signatures(**store, kOtherDigest)->empty());
}

TEST(Storage, ReferrerAloneStillYieldsTheSignature) {
  testing::TempDir dir;
  auto store = layout_store(dir.path() / "sigs", true);
  ASSERT_TRUE(store);
  Signer s;
  auto sig = s.signature(kDigest, "example.com/app:1");
  ASSERT_TRUE(push_signature(**store, subject(), sig.payload, sig.signature));
  // Drop the cosign tag from the index.
  auto index = nlohmann::json::parse(*read_file(dir.path() / "sigs" / "index.json"));
  nlohmann::json kept = nlohmann::json::array();
  for (const auto& m : index["manifests"]) {
    if (!m.contains("annotations")) kept.push_back(m);
  }
  index["manifests"] = kept;
  ASSERT_TRUE(write_file_atomic(dir.path() / "sigs" / "index.json", index.dump(), 0644));
  ASSERT_FALSE(*(*store)->get_manifest(signature_tag(kDigest)));
  auto found = fetch_signatures(**store, kDigest);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_TRUE((*found)[0].where.starts_with("referrer sha256:"));
}

TEST(Storage, AttestationCarriesItsPredicateTypeInBothLayouts) {
  testing::TempDir dir;
  auto store = layout_store(dir.path() / "sigs", true);
  ASSERT_TRUE(store);
  Signer s;
  auto a = s.attestation(kDigest, "https://slsa.dev/provenance/v1");
  ASSERT_TRUE(push_attestation(**store, subject(), a.envelope, a.predicate_type));
  auto referrers = (*store)->referrers(kDigest);
  ASSERT_EQ((*referrers)->size(), 1u);
  EXPECT_EQ((**referrers)[0]["annotations"][std::string(kPredicateTypeAnnotation)],
            "https://slsa.dev/provenance/v1");
  auto found = fetch_attestations(**store, kDigest);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].predicate_type, "https://slsa.dev/provenance/v1");
}

TEST(Storage, MissingLayoutIsNotFound) {
  testing::TempDir dir;
  auto store = layout_store(dir.path() / "none", false);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kNotFound);
}

TEST(Verify, AcceptsOnlyTheRightKeyDigestAndIdentity) {
  Signer s, other;
  std::vector<AttestorKey> keys = {s.trusted()};
  auto ok = check_signatures({s.signature(kDigest, "example.com/app:1")}, keys, kDigest, "");
  EXPECT_TRUE(ok.verified) << (ok.rejected.empty() ? "" : ok.rejected[0]);
  EXPECT_NE(ok.accepted.find(keys[0].id), std::string::npos);

  auto by_other =
      check_signatures({other.signature(kDigest, "example.com/app:1")}, keys, kDigest, "");
  ASSERT_FALSE(by_other.verified);
  EXPECT_NE(by_other.rejected[0].find("bad signature or unknown key"), std::string::npos);

  auto wrong_digest =
      check_signatures({s.signature(kOtherDigest, "example.com/app:1")}, keys, kDigest, "");
  ASSERT_FALSE(wrong_digest.verified);
  EXPECT_NE(wrong_digest.rejected[0].find("wrong digest"), std::string::npos);

  auto retagged = check_signatures({s.signature(kDigest, "example.com/app:1")}, keys, kDigest,
                                   "example.com/evil:1");
  ASSERT_FALSE(retagged.verified);
  EXPECT_NE(retagged.rejected[0].find("wrong identity"), std::string::npos);

  // A payload edited after signing (the digest swapped in) no longer verifies.
  auto tampered = s.signature(kOtherDigest, "example.com/app:1");
  tampered.payload.replace(tampered.payload.find(kOtherDigest), kOtherDigest.size(), kDigest);
  auto edited = check_signatures({tampered}, keys, kDigest, "");
  EXPECT_FALSE(edited.verified);

  // Several keys: any of them may sign; none signing says which were tried.
  std::vector<AttestorKey> two = {other.trusted(), s.trusted()};
  EXPECT_TRUE(check_signatures({s.signature(kDigest, "a")}, two, kDigest, "").verified);
  Signer third;
  auto none = check_signatures({third.signature(kDigest, "a")}, two, kDigest, "");
  ASSERT_FALSE(none.verified);
  EXPECT_NE(none.rejected[0].find("signed by none of"), std::string::npos);
  // The first good candidate wins; the rejected ones before it are kept.
  auto mixed = check_signatures({other.signature(kDigest, "a"), s.signature(kDigest, "a")}, keys,
                                kDigest, "");
  EXPECT_TRUE(mixed.verified);
  EXPECT_EQ(mixed.rejected.size(), 1u);
  EXPECT_EQ(mixed.candidates, 2u);
}

TEST(Verify, AttestationsNeedKeyTypeAndDigest) {
  Signer s, other;
  std::vector<AttestorKey> keys = {s.trusted()};
  const std::string type = "https://slsa.dev/provenance/v1";
  EXPECT_TRUE(check_attestations({s.attestation(kDigest, type)}, keys, kDigest, type).verified);
  auto wrong_type = check_attestations({s.attestation(kDigest, "https://cyclonedx.org/bom")}, keys,
                                       kDigest, type);
  ASSERT_FALSE(wrong_type.verified);
  EXPECT_NE(wrong_type.rejected[0].find("predicate type"), std::string::npos);
  auto wrong_digest = check_attestations({s.attestation(kOtherDigest, type)}, keys, kDigest, type);
  ASSERT_FALSE(wrong_digest.verified);
  EXPECT_NE(wrong_digest.rejected[0].find("wrong digest"), std::string::npos);
  auto by_other = check_attestations({other.attestation(kDigest, type)}, keys, kDigest, type);
  EXPECT_FALSE(by_other.verified);
  auto truncated = s.attestation(kDigest, type);
  truncated.envelope.resize(truncated.envelope.size() / 2);
  auto cut = check_attestations({truncated}, keys, kDigest, type);
  ASSERT_FALSE(cut.verified);
  EXPECT_FALSE(cut.rejected.empty());
}

std::string attestor_yaml(const std::string& pem, const std::string& extra) {
  std::string indented;
  for (size_t start = 0; start < pem.size();) {
    auto end = pem.find('\n', start);
    indented += "          " + pem.substr(start, end - start) + "\n";
    start = end == std::string::npos ? pem.size() : end + 1;
  }
  return "name: projects/p/attestors/builder\n"
         "description: CI builder\n"
         "userOwnedGrafeasNote:\n"
         "  noteReference: projects/p/notes/builder\n"
         "  publicKeys:\n"
         "  - comment: primary\n" +
         extra +
         "    pkixPublicKey:\n"
         "      signatureAlgorithm: ECDSA_P256_SHA256\n"
         "      publicKeyPem: |\n" +
         indented;
}

TEST(Attestor, ParsesBinaryAuthorizationsShape) {
  Signer s;
  auto pem = *s.key.public_key().to_pem();
  auto parsed = parse_attestors(attestor_yaml(pem, ""), "builder.yaml");
  ASSERT_TRUE(parsed) << parsed.error().what();
  ASSERT_EQ(parsed->size(), 1u);
  const auto& a = (*parsed)[0];
  EXPECT_EQ(a.short_name(), "builder");
  EXPECT_EQ(a.note_reference, "projects/p/notes/builder");
  ASSERT_EQ(a.keys.size(), 1u);
  EXPECT_EQ(a.keys[0].id, s.key.public_key().id());  // derived as Binary Authorization does
  EXPECT_EQ(a.keys[0].comment, "primary");
  // An explicit id is kept; the document round-trips.
  auto explicit_id = parse_attestors(attestor_yaml(pem, "    id: \"//example/key/1\"\n"), "b.yaml");
  ASSERT_TRUE(explicit_id) << explicit_id.error().what();
  EXPECT_EQ((*explicit_id)[0].keys[0].id, "//example/key/1");
  auto again = attestor_from_json(attestor_to_json(a), "round trip");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->keys[0].id, a.keys[0].id);
  EXPECT_EQ(again->keys[0].algorithm, Algorithm::kEcdsaP256Sha256);
}

TEST(Attestor, ErrorsNameTheField) {
  Signer s;
  auto pem = *s.key.public_key().to_pem();
  auto unknown = parse_attestors("name: a\nuserOwnedGrafeasNote: {}\ncolour: red\n", "a.yaml");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message(), "a.yaml: colour: unknown field");
  auto no_note = parse_attestors("name: a\n", "a.yaml");
  ASSERT_FALSE(no_note);
  EXPECT_NE(no_note.error().message().find("userOwnedGrafeasNote: required"), std::string::npos);
  std::string yaml = attestor_yaml(pem, "");
  auto bad_alg = yaml;
  bad_alg.replace(bad_alg.find("ECDSA_P256_SHA256"), 17, "ECDSA_P256_SHA999");
  auto r1 = parse_attestors(bad_alg, "a.yaml");
  ASSERT_FALSE(r1);
  EXPECT_NE(r1.error().what().find("publicKeys[0]"), std::string::npos) << r1.error().what();
  auto mismatch = yaml;
  mismatch.replace(mismatch.find("ECDSA_P256_SHA256"), 17, "RSA_PSS_2048_SHA256");
  EXPECT_FALSE(parse_attestors(mismatch, "a.yaml"));
  auto bad_pem = yaml;
  bad_pem.replace(bad_pem.find("BEGIN PUBLIC KEY") + 20, 8, "AAAAAAAA");
  EXPECT_FALSE(parse_attestors(bad_pem, "a.yaml"));
  auto no_key =
      parse_attestors("name: a\nuserOwnedGrafeasNote:\n  publicKeys:\n  - comment: x\n", "a.yaml");
  ASSERT_FALSE(no_key);
  EXPECT_NE(no_key.error().message().find("needs pkixPublicKey or asciiArmoredPgpPublicKey"),
            std::string::npos);
  // A list and {attestors: [...]} both hold several.
  auto list = parse_attestors(
      "attestors:\n- name: a\n  userOwnedGrafeasNote: {}\n- name: b\n"
      "  userOwnedGrafeasNote: {}\n",
      "l.yaml");
  ASSERT_TRUE(list) << list.error().what();
  EXPECT_EQ(list->size(), 2u);
}

}  // namespace
}  // namespace portcullis::sign
