// portcullis sbom: read an image, list every installed package, write an SBOM.
#include <cstdio>

#include "cli/commands.hpp"
#include "cli/image_input.hpp"
#include "sbom/writers.hpp"

namespace portcullis::cli {
namespace {

struct SbomFlags {
  ImageInput input;
  std::string format = "table";
  std::string output;
};

int sbom(const SbomFlags& f) {
  if (f.format != "table" && f.format != "json" && f.format != "cyclonedx-json" &&
      f.format != "spdx-json") {
    return report(make_error(ErrorCode::kInvalidArgument,
                             "--format {}: use table, json, cyclonedx-json or spdx-json",
                             f.format));
  }
  auto scan = read_image(f.input);
  if (!scan) return report(scan.error());
  auto document = sbom::write(f.format, scan->inventory, subject_of(f.input, *scan));
  if (!document) return report(document.error());
  for (const auto& w : scan->inventory.warnings)
    std::fprintf(stderr, "portcullis: warning: %s\n", w.c_str());
  return write_output(f.output, *document);
}

}  // namespace

void register_sbom(CLI::App& app, Runner& run) {
  auto f = std::make_shared<SbomFlags>();
  auto* cmd = app.add_subcommand("sbom", "List every package installed in an image");
  add_image_input(cmd, f->input);
  cmd->add_option("--format", f->format,
                  "table, json, cyclonedx-json or spdx-json (default table)");
  cmd->add_option("--output,-o", f->output, "Write to FILE (atomically) instead of stdout");
  cmd->callback([f, &run] { run = [f] { return sbom(*f); }; });
}

}  // namespace portcullis::cli
