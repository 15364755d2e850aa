// Every key type and algorithm: generate, PEM round trips (plain and encrypted), sign, verify,
// and each way verification must fail; the simple-signing payload.
#include "sign/keys.hpp"

#include <gtest/gtest.h>

#include "sign/dsse.hpp"
#include "sign/payload.hpp"

namespace portcullis::sign {
namespace {

struct Pair {
  KeyType type;
  std::vector<Algorithm> algorithms;
};

class EveryKeyType : public ::testing::TestWithParam<Pair> {};

TEST_P(EveryKeyType, SignsAndVerifiesWithEachOfItsAlgorithms) {
  auto key = PrivateKey::generate(GetParam().type);
  ASSERT_TRUE(key) << key.error().what();
  auto pub_pem = key->public_key().to_pem();
  ASSERT_TRUE(pub_pem);
  auto pub = PublicKey::from_pem(*pub_pem, "k.pub");
  ASSERT_TRUE(pub) << pub.error().what();
  EXPECT_EQ(pub->type(), GetParam().type);
  EXPECT_EQ(pub->id(), key->public_key().id());
  EXPECT_TRUE(pub->id().starts_with("ni:///sha-256;"));
  const std::string data = R"({"critical":{"type":"cosign container image signature"}})";
  for (Algorithm a : GetParam().algorithms) {
    auto sig = key->sign(data, a);
    ASSERT_TRUE(sig) << algorithm_name(a) << ": " << sig.error().what();
    EXPECT_TRUE(pub->verify(data, *sig, a)) << algorithm_name(a);
    // Tampered data, tampered signature, truncated signature: all refused.
    EXPECT_FALSE(pub->verify(data + " ", *sig, a)) << algorithm_name(a);
    std::string flipped = *sig;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
    EXPECT_FALSE(pub->verify(data, flipped, a)) << algorithm_name(a);
    EXPECT_FALSE(pub->verify(data, sig->substr(0, sig->size() - 1), a)) << algorithm_name(a);
    EXPECT_EQ(*parse_algorithm(algorithm_name(a)), a);
  }
  // Another key of the same type does not verify.
  auto other = PrivateKey::generate(GetParam().type);
  auto a = default_algorithm(GetParam().type);
  auto sig = other->sign(data, a);
  ASSERT_TRUE(sig);
  EXPECT_FALSE(pub->verify(data, *sig, a));
}

TEST_P(EveryKeyType, EncryptedPkcs8RoundTrip) {
  auto key = PrivateKey::generate(GetParam().type);
  ASSERT_TRUE(key);
  auto pem = key->to_pem("s3cret");
  ASSERT_TRUE(pem);
  EXPECT_NE(pem->find("-----BEGIN ENCRYPTED PRIVATE KEY-----"), std::string::npos);
  auto back = PrivateKey::from_pem(*pem, "s3cret", "k.key");
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(back->public_key().id(), key->public_key().id());
  auto wrong = PrivateKey::from_pem(*pem, "nope", "k.key");
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message().find("PORTCULLIS_KEY_PASSWORD"), std::string::npos);
  auto plain = key->to_pem("");
  ASSERT_TRUE(plain);
  EXPECT_NE(plain->find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Keys, EveryKeyType,
    ::testing::Values(
        Pair{KeyType::kEcdsaP256, {Algorithm::kEcdsaP256Sha256}},
        Pair{KeyType::kEcdsaP384, {Algorithm::kEcdsaP384Sha384}},
        Pair{KeyType::kEcdsaP521, {Algorithm::kEcdsaP521Sha512}},
        Pair{KeyType::kRsa2048, {Algorithm::kRsaPss2048Sha256, Algorithm::kRsaPkcs1_2048Sha256}},
        Pair{KeyType::kRsa3072, {Algorithm::kRsaPss3072Sha256, Algorithm::kRsaPkcs1_3072Sha256}},
        Pair{KeyType::kRsa4096,
             {Algorithm::kRsaPss4096Sha256, Algorithm::kRsaPss4096Sha512,
              Algorithm::kRsaPkcs1_4096Sha256, Algorithm::kRsaPkcs1_4096Sha512}},
        Pair{KeyType::kEd25519, {Algorithm::kEd25519}}));

TEST(Algorithms, MismatchedKeyAndAliases) {
  auto key = PrivateKey::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key);
  auto bad = key->sign("x", Algorithm::kRsaPss2048Sha256);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("does not fit a ecdsa-p256 key"), std::string::npos);
  EXPECT_FALSE(key->sign("x", Algorithm::kEcdsaP384Sha384));
  EXPECT_EQ(*parse_algorithm("EC_SIGN_P256_SHA256"), Algorithm::kEcdsaP256Sha256);
  EXPECT_EQ(*parse_algorithm("RSA_SIGN_PSS_2048_SHA256"), Algorithm::kRsaPss2048Sha256);
  EXPECT_FALSE(parse_algorithm("ECDSA_P256_SHA1"));
  EXPECT_FALSE(parse_key_type("dsa-1024"));
  EXPECT_FALSE(PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                                   "bad.pub"));
}

TEST(Payload, RoundTripAndEveryProducerType) {
  SimpleSigning p;
  p.docker_reference = "registry.example/app";
  p.manifest_digest = "sha256:" + std::string(64, 'a');
  p.optional["creator"] = "portcullis";
  auto back = parse_payload(make_payload(p));
  ASSERT_TRUE(back) << back.error().what();
  EXPECT_EQ(back->docker_reference, p.docker_reference);
  EXPECT_EQ(back->manifest_digest, p.manifest_digest);
  EXPECT_EQ(back->optional.at("creator"), "portcullis");
  for (auto type : {kAtomicType, kCosignType, kBinauthzType}) {
    p.type = std::string(type);
    EXPECT_TRUE(parse_payload(make_payload(p)));
  }
  p.type = "something else";
  EXPECT_FALSE(parse_payload(make_payload(p)));
  EXPECT_FALSE(parse_payload(R"({"critical": {"type": "atomic container signature"}})"));
  EXPECT_FALSE(parse_payload("[]"));
}

TEST(Dsse, PaeAsTheSpecWritesIt) {
  // DSSE protocol.md's example.
  EXPECT_EQ(pae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
}

TEST(Dsse, EnvelopeOpensOnlyUnderItsKeyAndUntouched) {
  auto key = PrivateKey::generate(KeyType::kEcdsaP256);
  auto other = PrivateKey::generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key && other);
  auto statement = make_statement("registry.example/app", "sha256:" + std::string(64, 'b'),
                                  "https://slsa.dev/provenance/v1", R"({"builder": {"id": "x"}})");
  auto envelope = make_envelope(kInTotoPayloadType, statement, *key, Algorithm::kEcdsaP256Sha256);
  ASSERT_TRUE(envelope) << envelope.error().what();
  auto opened = open_envelope(*envelope, key->public_key(), Algorithm::kEcdsaP256Sha256);
  ASSERT_TRUE(opened) << opened.error().what();
  auto s = parse_statement(opened->payload);
  ASSERT_TRUE(s) << s.error().what();
  EXPECT_EQ(s->subject_digest, "sha256:" + std::string(64, 'b'));
  EXPECT_EQ(s->predicate_type, "https://slsa.dev/provenance/v1");
  EXPECT_FALSE(open_envelope(*envelope, other->public_key(), Algorithm::kEcdsaP256Sha256));
  // The payload type is signed too (PAE): changing it breaks the signature.
  std::string retyped = *envelope;
  retyped.replace(retyped.find("application/vnd.in-toto+json"), 28, "application/vnd.in-toto+jsoN");
  EXPECT_FALSE(open_envelope(retyped, key->public_key(), Algorithm::kEcdsaP256Sha256));
  EXPECT_FALSE(open_envelope(envelope->substr(0, envelope->size() / 2), key->public_key(),
                             Algorithm::kEcdsaP256Sha256));  // truncated
  EXPECT_FALSE(parse_statement(R"({"_type": "https://in-toto.io/Statement/v0.1"})"));
  EXPECT_EQ(*predicate_type_uri("cyclonedx"), "https://cyclonedx.org/bom");
  EXPECT_FALSE(predicate_type_uri("sbom"));
}

}  // namespace
}  // namespace portcullis::sign
