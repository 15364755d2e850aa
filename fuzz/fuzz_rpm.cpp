// Fuzzes the rpm database readers (BerkeleyDB hash, SQLite, NDB) and the header decoder.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "analyze/analyzers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view db(reinterpret_cast<const char*>(data), size);
  (void)portcullis::analyze::parse_rpm_database(db);
  (void)portcullis::analyze::parse_rpm_header(db);
  return 0;
}
