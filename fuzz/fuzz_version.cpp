// Fuzzes every version scheme: input "A\nB"; an ordering must be antisymmetric and reflexive,
// and no input may crash a parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vuln/version.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using portcullis::vuln::Scheme;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto nl = text.find('\n');
  std::string_view a = text.substr(0, nl);
  std::string_view b = nl == std::string_view::npos ? a : text.substr(nl + 1);
  for (auto s : {Scheme::kDpkg, Scheme::kRpm, Scheme::kApk, Scheme::kNpm, Scheme::kPep440,
                 Scheme::kMaven, Scheme::kGo, Scheme::kGem}) {
    auto ab = portcullis::vuln::compare(s, a, b);
    auto ba = portcullis::vuln::compare(s, b, a);
    if (ab.has_value() != ba.has_value() || (ab && *ab != -*ba)) std::abort();
    auto aa = portcullis::vuln::compare(s, a, a);
    if (aa && *aa != 0) std::abort();
  }
  return 0;
}
