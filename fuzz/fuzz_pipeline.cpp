// Fuzzes what the pipeline reads: the input as the server configuration's pipeline sections, as
// a stored inventory (JSON) and as tag globs. Errors are fine; crashes are not. A configuration
// that parses is asked for the rule of a few repositories.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyze/inventory_json.hpp"
#include "pipeline/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace portcullis;
  if (auto c = pipeline::parse_pipeline_config(text, "fuzz.yaml", "/nonexistent")) {
    for (const char* repo : {"stage/app", "verified/x/y", ""}) (void)c->rule_for(repo);
  }
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_discarded()) (void)analyze::inventory_from(j);
  auto newline = text.find('\n');
  if (newline != std::string_view::npos) {
    (void)pipeline::glob_matches(text.substr(0, newline), text.substr(newline + 1));
  }
  return 0;
}
