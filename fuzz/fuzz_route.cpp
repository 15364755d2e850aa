// Fuzzes URL routing, name and tag validation, URL decoding and scope parsing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http/message.hpp"
#include "oci/names.hpp"
#include "registry/routes.hpp"
#include "registry/token.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto route = portcullis::registry::parse_route(portcullis::http::url_decode(text));
  (void)portcullis::oci::is_valid_repository_name(route.name);
  (void)portcullis::oci::is_valid_tag(route.reference);
  (void)portcullis::registry::parse_scope(text);
  (void)portcullis::http::url_encode(text);
  return 0;
}
