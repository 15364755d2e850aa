// The image argument and flags `sbom` and `scan` share: where the image is, how to reach it,
// the layer cache; reading it into an inventory with a progress line on a terminal.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "analyze/scan.hpp"
#include "base/result.hpp"
#include "base/time_text.hpp"
#include "sbom/writers.hpp"

namespace portcullis::cli {

struct ImageInput {
  std::string image;
  std::string platform = "linux/amd64";
  std::string cache_dir;
  bool no_cache = false;
  std::string creds;
  bool tls_verify = true;
};

void add_image_input(CLI::App* cmd, ImageInput& input);

// Opens the image (a bare reference means docker://) and analyzes every layer.
Result<analyze::ScanResult> read_image(const ImageInput& input);

// What an SBOM or report says it describes.
sbom::Subject subject_of(const ImageInput& input, const analyze::ScanResult& scan);

// Writes to FILE atomically, or to stdout for "" and "-".
int write_output(const std::string& output, const std::string& document);

}  // namespace portcullis::cli
