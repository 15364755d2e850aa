// Fuzzes configuration loading (YAML) and typed lookups.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/settings.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  portcullis::Settings settings;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!settings.load_yaml_string(text, "fuzz.yaml")) return 0;
  (void)settings.get_bool("auth.enabled", true);
  (void)settings.get_int("server.max_connections", 1);
  (void)settings.get_duration("auth.token_ttl", std::chrono::seconds(1));
  (void)settings.unknown_keys({"listen"});
  return 0;
}
