// `scan --registry-scan`: the inventory a portcullis registry stored when it scanned the image on
// push, instead of reading the layers again (then matched against the caller's DB and policy).
#pragma once

#include <optional>

#include "analyze/scan.hpp"
#include "cli/image_input.hpp"

namespace portcullis::cli {

// nullopt (with a note on stderr) when the image is not in a registry, the registry keeps no
// scan of it, or it is not a portcullis registry: the caller then reads the image.
std::optional<analyze::ScanResult> registry_stored_scan(const ImageInput& input);

}  // namespace portcullis::cli
