// Fuzzes what a verifier reads from a registry or a user: the input as an attestor document
// (YAML/JSON), a simple-signing payload, a DSSE envelope (opened with a fixed key) and the
// in-toto statement inside, and a vouch configuration. Errors are fine; crashes are not.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sign/attestor.hpp"
#include "sign/dsse.hpp"
#include "sign/payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace portcullis;
  static const sign::PrivateKey kKey = *sign::PrivateKey::generate(sign::KeyType::kEcdsaP256);
  static const sign::PublicKey kPublic = kKey.public_key();
  (void)sign::parse_attestors(text, "fuzz.yaml");
  (void)sign::parse_payload(text);
  (void)sign::parse_statement(text);
  (void)sign::open_envelope(text, kPublic, sign::Algorithm::kEcdsaP256Sha256);
  // A well-signed envelope around the fuzzed payload: the statement parser sees it after PAE.
  if (auto envelope = sign::make_envelope(sign::kInTotoPayloadType, text, kKey,
                                          sign::Algorithm::kEcdsaP256Sha256)) {
    auto opened = sign::open_envelope(*envelope, kPublic, sign::Algorithm::kEcdsaP256Sha256);
    if (!opened || opened->payload != text) abort();
    (void)sign::parse_statement(opened->payload);
  }
  return 0;
}
