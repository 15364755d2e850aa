// Fuzzes bearer token verification (attacker-controlled Authorization headers).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "registry/token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const portcullis::registry::TokenSigner signer(std::string(48, 'k'));
  std::string_view token(reinterpret_cast<const char*>(data), size);
  auto claims = signer.verify(token, "portcullis", 1000);
  if (claims) __builtin_trap();  // nothing random can carry a valid signature
  return 0;
}
