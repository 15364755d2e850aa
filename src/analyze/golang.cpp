// Go binaries: the build info the toolchain embeds ("\xff Go buildinf:", Go 1.18+ inline
// format): toolchain version (a go-stdlib row), main module (unless "(devel)") and every
// dependency, with replacements applied. Read as a stream: only a window around the magic is
// kept, whatever the binary's size.
#include <cstring>

#include "analyze/analyzers.hpp"

namespace portcullis::analyze {
namespace {

constexpr std::string_view kMagic = "\xff Go buildinf:";
constexpr size_t kInfoWindow = 256 * 1024;  // version and modinfo follow the 32-byte header

std::optional<std::string_view> read_uvarint_string(std::string_view data, size_t& pos) {
  uint64_t length = 0;
  int shift = 0;
  while (pos < data.size() && shift < 64) {
    auto b = static_cast<unsigned char>(data[pos++]);
    length |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      if (length > data.size() - pos) return std::nullopt;
      auto s = data.substr(pos, length);
      pos += length;
      return s;
    }
    shift += 7;
  }
  return std::nullopt;
}

void add_modules(std::string_view modinfo, const std::string& path, const std::string& toolchain,
                 std::vector<Package>& out) {
  // modinfo is framed by 16-byte sentinels: strip them when present.
  if (modinfo.size() >= 33 && modinfo[modinfo.size() - 17] == '\n') {
    modinfo = modinfo.substr(16, modinfo.size() - 32);
  }
  if (!toolchain.empty()) {
    out.push_back(Package{"go-stdlib", "stdlib", toolchain, "", "", "", "", "", path});
  }
  while (!modinfo.empty()) {
    auto nl = modinfo.find('\n');
    std::string_view line = modinfo.substr(0, nl);
    modinfo = nl == std::string_view::npos ? std::string_view() : modinfo.substr(nl + 1);
    std::vector<std::string_view> f;
    size_t start = 0;
    while (start <= line.size()) {
      auto tab = line.find('\t', start);
      if (tab == std::string_view::npos) tab = line.size();
      f.push_back(line.substr(start, tab - start));
      start = tab + 1;
    }
    if (f.size() < 3) continue;
    bool main_module = f[0] == "mod" && f[2] != "(devel)" && !f[2].empty();
    if (main_module || f[0] == "dep") {
      out.push_back(
          Package{"golang", std::string(f[1]), std::string(f[2]), "", "", "", "", "", path});
    } else if (f[0] == "=>" && !out.empty() && out.back().type == "golang") {
      // The replacement is what was built.
      out.back().name = std::string(f[1]);
      out.back().version = std::string(f[2]);
    }
  }
}

class GoAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "golang"; }
  int version() const override { return 1; }
  bool wants(std::string_view) const override { return false; }
  Status analyze(const FileInput&, LayerFindings&) const override { return Ok{}; }
  bool wants_executables() const override { return true; }

  Status analyze_executable(std::string_view path, image::EntryReader& content,
                            LayerFindings& out) const override {
    std::string window;
    std::byte chunk[1 << 16];
    bool first = true;
    size_t found = std::string::npos;
    for (;;) {
      auto n = content.read(chunk);
      if (!n) return n.error();
      if (*n == 0) break;
      window.append(reinterpret_cast<const char*>(chunk), *n);
      if (first) {
        if (window.size() >= 4 && window.compare(0, 4,
                                                 "\x7f"
                                                 "ELF") != 0)
          return Ok{};
        first = false;
      }
      if (found == std::string::npos) {
        found = window.find(kMagic);
        if (found == std::string::npos) {
          // Keep only a tail that could hold the start of the magic.
          if (window.size() > kMagic.size()) window.erase(0, window.size() - kMagic.size());
          continue;
        }
        window.erase(0, found);
        found = 0;
      }
      if (window.size() >= kInfoWindow) break;
    }
    if (found == std::string::npos || window.size() < 32) return Ok{};
    auto flags = static_cast<unsigned char>(window[15]);
    if ((flags & 2) == 0) {
      out.warnings.push_back(std::string(path) + ": Go build info older than Go 1.18 is not read");
      return Ok{};
    }
    size_t pos = 32;
    auto version = read_uvarint_string(window, pos);
    auto modinfo = version ? read_uvarint_string(window, pos) : std::nullopt;
    if (!version || !modinfo) {
      out.warnings.push_back(std::string(path) + ": Go build info is truncated");
      return Ok{};
    }
    std::vector<Package> packages;
    add_modules(*modinfo, std::string(path), std::string(*version), packages);
    out.packages[std::string(path)] = std::move(packages);
    return Ok{};
  }
};

}  // namespace

std::unique_ptr<Analyzer> make_go_analyzer() { return std::make_unique<GoAnalyzer>(); }

}  // namespace portcullis::analyze
