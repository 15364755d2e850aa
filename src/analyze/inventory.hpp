// What analysis finds in an image: the operating system and the installed packages, each with
// the layer that introduced it and the file it was found in.
#pragma once

#include <string>
#include <vector>

namespace portcullis::analyze {

struct OsInfo {
  std::string id;          // os-release ID: debian, alpine, wolfi, ...
  std::string version_id;  // os-release VERSION_ID
  std::string pretty_name;
  bool empty() const { return id.empty(); }
};

struct Package {
  std::string type;  // deb, apk, rpm, npm, pypi, maven, golang
  std::string name;
  std::string version;      // rpm: VERSION only (epoch and release are apart)
  std::string source_name;  // deb source package / apk origin / rpm source rpm
  std::string source_version;
  std::string arch;
  std::string purl;  // filled when the inventory is complete (needs the OS)
  std::string layer_diff_id;
  std::string path;          // the file it was found in
  std::string epoch;         // rpm only
  std::string release;       // rpm only
  std::string scope;         // lockfile entries: prod or dev
  std::string install_path;  // lockfile entries: where it would be installed
};

// Findings of lockfiles, resolved against node_modules when layers are merged.
inline constexpr const char* kNpmLockType = "npm-lock";

struct Inventory {
  OsInfo os;
  std::vector<Package> packages;  // sorted by type, name, version, path
  // Declared in a lockfile but not installed (e.g. dev dependencies): never in `packages`.
  std::vector<Package> declared_only;
  std::vector<std::string> warnings;
};

// The version as people and matchers compare it: rpm's [EPOCH:]VERSION-RELEASE, else version.
std::string full_version(const Package& package);

// The package's identity within one document (CycloneDX bom-ref): purl and the file it was
// found in, since the same purl can be installed at several paths.
std::string bom_ref(const Package& package);

// Canonical purl for a package (purl spec; qualifiers sorted).
std::string make_purl(const Package& package, const OsInfo& os);

}  // namespace portcullis::analyze
