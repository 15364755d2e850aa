// Fuzzes what the admission controller reads: the input as a Binary Authorization policy, an
// AdmissionReview, a pod list and a kubeconfig-free name pattern against images. Errors are
// fine; crashes are not. A policy that parses selects rules for a few deployments.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "admit/cv.hpp"
#include "admit/evaluate.hpp"
#include "admit/name_pattern.hpp"
#include "admit/review.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace portcullis::admit;
  if (auto p = parse_admission_policy(text, "fuzz.yaml")) {
    for (const auto& d : {Deployment{}, Deployment{"us-east1-a.c", "ns", "sa", ""}}) {
      if (select_rule(*p, d).rule == nullptr) abort();
    }
  }
  (void)parse_admission_review(text);
  (void)parse_pods(text, "fuzz.json");
  auto newline = text.find('\n');
  if (newline != std::string_view::npos) {
    auto pattern = text.substr(0, newline);
    if (validate_name_pattern(pattern))
      (void)name_pattern_matches(pattern, text.substr(newline + 1));
  }
  return 0;
}
