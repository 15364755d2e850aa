// What analysis finds in an image: the operating system and the installed packages, each with
// the layer that introduced it and the file it was found in.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
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

// A credential found in the image, kept only masked.
struct Secret {
  std::string rule;      // aws-access-key-id, github-token, generic-password, ...
  std::string location;  // file, env, label, history
  // file: its path; config: config.Env[N], config.Labels[KEY], history[N].created_by
  std::string path;
  int line = 0;               // file: 1-based line
  std::string layer_diff_id;  // file: the layer that wrote it
  // file: false when a later layer deleted or replaced the file — the secret is still in the
  // image (its lower layer ships it), but not in the final filesystem.
  bool in_final_fs = true;
  std::string removed_by_layer;  // diff_id of the layer that deleted or replaced it
  std::string masked;
};

// A setuid or setgid regular file of the final filesystem.
struct SpecialFile {
  std::string path;
  uint32_t mode = 0;  // permission bits, e.g. 04755
  std::string layer_diff_id;
};

// What the image config says about how the image runs (OCI image-spec config.md).
struct ImageConfigFacts {
  std::string user;     // config.User
  std::string created;  // RFC 3339
  std::vector<std::string> env;
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::string> history;  // created_by of each history entry
};

// Findings of lockfiles, resolved against node_modules when layers are merged.
inline constexpr const char* kNpmLockType = "npm-lock";

struct Inventory {
  OsInfo os;
  std::vector<Package> packages;  // sorted by type, name, version, path
  // Declared in a lockfile but not installed (e.g. dev dependencies): never in `packages`.
  std::vector<Package> declared_only;
  std::vector<Secret> secrets;  // files (final and deleted ones) and the config
  std::vector<SpecialFile> special_files;
  std::vector<std::string> package_managers;  // paths of package manager executables
  ImageConfigFacts config;
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
