// portcullis debug: developer tools. `debug vercmp SCHEME A B` prints -1, 0 or 1; with
// `--pairs FILE` it compares every "A<TAB>B" line of FILE (for differential tests), printing "x"
// for a pair the scheme cannot order because a side is not one of its versions.
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "vuln/version.hpp"

namespace portcullis::cli {
namespace {

struct VercmpFlags {
  std::string scheme;
  std::string a;
  std::string b;
  std::string pairs;
};

int vercmp(const VercmpFlags& f) {
  auto scheme = vuln::parse_scheme(f.scheme);
  if (!scheme) return report(scheme.error());
  if (f.pairs.empty()) {
    if (f.a.empty() || f.b.empty()) {
      return report(make_error(ErrorCode::kInvalidArgument, "give two versions, or --pairs FILE"));
    }
    auto r = vuln::compare(*scheme, f.a, f.b);
    if (!r) {
      const std::string& bad = vuln::is_valid(*scheme, f.a) ? f.b : f.a;
      return report(make_error(ErrorCode::kInvalidArgument, "\"{}\" is not a {} version", bad,
                               vuln::scheme_name(*scheme)));
    }
    std::cout << *r << "\n";
    return kExitOk;
  }
  std::ifstream in(f.pairs);
  if (!in) return report(make_error(ErrorCode::kIo, "cannot read {}", f.pairs));
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    auto tab = line.find('\t');
    if (tab == std::string::npos) {
      return report(
          make_error(ErrorCode::kInvalidArgument, "{}:{}: expected A<TAB>B", f.pairs, number));
    }
    auto r = vuln::compare(*scheme, std::string_view(line).substr(0, tab),
                           std::string_view(line).substr(tab + 1));
    if (r) {
      std::cout << *r << "\n";
    } else {
      std::cout << "x\n";  // a side is not a version of the scheme
    }
  }
  return kExitOk;
}

}  // namespace

void register_debug(CLI::App& app, Runner& run) {
  auto f = std::make_shared<VercmpFlags>();
  auto* cmd = app.add_subcommand("debug", "Developer tools");
  cmd->require_subcommand(1);
  auto* v = cmd->add_subcommand("vercmp", "Compare two versions: prints -1, 0 or 1");
  v->add_option("scheme", f->scheme, "dpkg, rpm, apk, npm, pep440, maven, go or gem")->required();
  v->add_option("a", f->a, "First version");
  v->add_option("b", f->b, "Second version");
  v->add_option("--pairs", f->pairs, "Compare every A<TAB>B line of FILE, one result a line");
  v->callback([f, &run] { run = [f] { return vercmp(*f); }; });
}

}  // namespace portcullis::cli
