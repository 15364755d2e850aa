// Fuzzes the gate's inputs: the input as a policy YAML, an OpenVEX document and an ignore file,
// and as text for the secrets scanner. Errors are fine; crashes are not. A policy that parses
// is evaluated against an empty image.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyze/secrets.hpp"
#include "policy/evaluate.hpp"
#include "policy/suppression.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace portcullis;
  if (auto p = policy::parse_policy(text, "fuzz.yaml")) {
    (void)policy::evaluate(*p, policy::EvaluationInput{});
  }
  (void)policy::parse_openvex(text, "fuzz.json");
  (void)policy::parse_ignore_file(text, "fuzz");
  for (const auto& s : analyze::find_secrets(text)) {
    if (s.masked.size() < 8 && s.masked.find_first_not_of('*') != std::string::npos) abort();
  }
  return 0;
}
