// Reading the image named on the command line.
#include "cli/image_input.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "base/file.hpp"
#include "cli/commands.hpp"
#include "image/image.hpp"

namespace portcullis::cli {
namespace {

std::string default_cache_dir() {
  if (const char* env = std::getenv("PORTCULLIS_CACHE_DIR"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/portcullis";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/portcullis";
  return ".portcullis-cache";
}

}  // namespace

void add_image_input(CLI::App* cmd, ImageInput& input) {
  cmd->add_option("image", input.image,
                  "oci:DIR[:REF], oci-archive:FILE[:REF], docker-archive:FILE, docker://REF or REF")
      ->required();
  cmd->add_option("--platform", input.platform,
                  "os/arch[/variant] for image indexes (default linux/amd64)");
  cmd->add_option("--cache-dir", input.cache_dir,
                  "Layer analysis cache (default $XDG_CACHE_HOME/portcullis)");
  cmd->add_flag("--no-cache", input.no_cache, "Neither read nor write the layer cache");
  cmd->add_option("--creds", input.creds,
                  "USER:PASSWORD for docker:// (default: ~/.docker/config.json)");
  cmd->add_option("--tls-verify", input.tls_verify,
                  "docker://: verify TLS (default true); false allows plain-HTTP test registries");
}

Result<analyze::ScanResult> read_image(const ImageInput& f) {
  std::string location = f.image;
  bool has_transport = location.find("://") != std::string::npos || location.starts_with("oci:") ||
                       location.starts_with("oci-archive:") ||
                       location.starts_with("docker-archive:");
  if (!has_transport) {
    location = "docker://" + location;  // a bare reference means a registry
  }
  image::SourceOptions source_options{f.platform, {}};
  source_options.registry.tls_verify = f.tls_verify;
  if (!f.creds.empty()) {
    auto colon = f.creds.find(':');
    if (colon == std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument, "--creds must be USER:PASSWORD");
    }
    source_options.registry.username = f.creds.substr(0, colon);
    source_options.registry.password = f.creds.substr(colon + 1);
  }
  auto source = image::open_source(location, source_options);
  if (!source) return source.error();
  analyze::ScanOptions options;
  if (!f.no_cache) options.cache_dir = f.cache_dir.empty() ? default_cache_dir() : f.cache_dir;
  // A progress line on stderr, only on a terminal and only once the work has taken a second.
  auto started = std::chrono::steady_clock::now();
  bool progress_shown = false;
  if (isatty(STDERR_FILENO) != 0) {
    options.progress = [&](uint64_t bytes, int layers) {
      if (std::chrono::steady_clock::now() - started < std::chrono::seconds(1)) return;
      progress_shown = true;
      std::fprintf(stderr, "\r\033[Kreading layers: %d done, %.1f MiB read", layers,
                   static_cast<double>(bytes) / (1 << 20));
    };
  }
  auto scan = analyze::scan_image(**source, options);
  if (progress_shown) std::fprintf(stderr, "\r\033[K");
  return scan;
}

sbom::Subject subject_of(const ImageInput& input, const analyze::ScanResult& scan) {
  const auto& img = scan.image;
  return sbom::Subject{input.image, img.manifest_digest ? img.manifest_digest->str() : "",
                       img.config_digest.str(),
                       img.platform.os + "/" + img.platform.architecture +
                           (img.platform.variant.empty() ? "" : "/" + img.platform.variant),
                       now_rfc3339()};
}

int write_output(const std::string& output, const std::string& document) {
  if (output.empty() || output == "-") {
    std::fwrite(document.data(), 1, document.size(), stdout);
    return kExitOk;
  }
  auto written = write_file_atomic(output, document, 0644);
  if (!written) return report(written.error());
  return kExitOk;
}

}  // namespace portcullis::cli
