// Fuzzes the text package databases: dpkg status, apk installed, os-release, redhat-release.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyze/analyzers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)portcullis::analyze::parse_dpkg_status(text, true);
  (void)portcullis::analyze::parse_dpkg_status(text, false);
  (void)portcullis::analyze::parse_apk_installed(text);
  (void)portcullis::analyze::parse_os_release(text);
  (void)portcullis::analyze::parse_redhat_release(text);
  return 0;
}
