// Fuzzes digest parsing, and checks that what parses prints back identically.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/digest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto d = portcullis::Digest::parse(text);
  if (d && d->str() != text) std::abort();
  return 0;
}
