// Layers merged bottom to top: a layer's whiteouts and opaque directories hide what the layers
// below put there, and a path it writes replaces the one below (image-spec layer.md).
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "analyze/scan.hpp"
#include "image/tar_walker.hpp"

namespace portcullis::analyze {
namespace {

bool under(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;
  return path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/';
}

bool hidden_by(std::string_view path, const LayerFindings& layer) {
  for (const auto& d : layer.opaque_dirs) {
    if (under(path, d)) return true;
  }
  for (const auto& w : layer.whiteouts) {
    if (path == w || under(path, w)) return true;
  }
  return false;
}

template <typename Map>
void hide(Map& map, const LayerFindings& layer) {
  for (auto it = map.begin(); it != map.end();) {
    if (hidden_by(it->first, layer)) {
      it = map.erase(it);
    } else {
      ++it;
    }
  }
}

// Resolves symlinks of the final filesystem inside the root (never above it).
std::string resolve(std::string path, const std::map<std::string, std::string>& symlinks) {
  for (int hops = 0; hops < 40; ++hops) {
    auto it = symlinks.find(path);
    if (it == symlinks.end()) return path;
    const std::string& target = it->second;
    std::string base = path.substr(0, path.rfind('/') == std::string::npos ? 0 : path.rfind('/'));
    std::string joined =
        target.starts_with('/') ? target.substr(1) : (base.empty() ? target : base + "/" + target);
    path = *image::normalize_path(joined, /*clamp_at_root=*/true);
  }
  return path;  // a loop: give up on this path
}

constexpr std::string_view kPackageManagers[] = {
    "apt", "apt-get", "aptitude", "dpkg", "apk", "yum",  "dnf",  "microdnf", "tdnf",
    "rpm", "zypper",  "pip",      "pip3", "npm", "yarn", "pnpm", "gem"};
constexpr std::string_view kBinDirs[] = {"bin",      "sbin",          "usr/bin",
                                         "usr/sbin", "usr/local/bin", "usr/local/sbin"};

bool is_package_manager(std::string_view path) {
  auto slash = path.rfind('/');
  if (slash == std::string_view::npos) return false;
  std::string_view dir = path.substr(0, slash);
  std::string_view name = path.substr(slash + 1);
  bool in_bin = std::find(std::begin(kBinDirs), std::end(kBinDirs), dir) != std::end(kBinDirs);
  return in_bin && std::find(std::begin(kPackageManagers), std::end(kPackageManagers), name) !=
                       std::end(kPackageManagers);
}

}  // namespace

Inventory merge_layers(const std::vector<const LayerFindings*>& layers,
                       const std::vector<std::string>& diff_ids) {
  std::map<std::string, std::pair<std::vector<Package>, size_t>> packages;  // path -> (pkgs, layer)
  std::map<std::string, OsInfo> os;
  std::map<std::string, std::string> symlinks;
  // deb attribution (Trivy's): the first layer whose dpkg database holds the package at that
  // version.
  std::map<std::tuple<std::string, std::string, std::string>, size_t> first_seen;
  Inventory inventory;
  std::map<std::string, std::pair<std::vector<Secret>, size_t>> secrets;  // path -> (found, layer)
  std::map<std::string, std::pair<uint32_t, size_t>> executables;         // path -> (mode, layer)
  auto layer_id = [&](size_t i) { return i < diff_ids.size() ? diff_ids[i] : std::string(); };
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerFindings& layer = *layers[i];
    // A secret file deleted or replaced here is no longer in the final filesystem, but the lower
    // layer still ships it: it stays reported, as removed by this layer.
    for (auto it = secrets.begin(); it != secrets.end();) {
      if (!hidden_by(it->first, layer) && !layer.touched.contains(it->first)) {
        ++it;
        continue;
      }
      for (auto s : it->second.first) {
        s.layer_diff_id = layer_id(it->second.second);
        s.in_final_fs = false;
        s.removed_by_layer = layer_id(i);
        inventory.secrets.push_back(std::move(s));
      }
      it = secrets.erase(it);
    }
    for (const auto& [path, found] : layer.secrets) secrets[path] = {found, i};
    hide(executables, layer);
    for (const auto& path : layer.touched) executables.erase(path);
    for (const auto& [path, mode] : layer.executables) executables[path] = {mode, i};
    hide(packages, layer);
    hide(os, layer);
    hide(symlinks, layer);
    for (const auto& path : layer.touched) {
      packages.erase(path);
      os.erase(path);
      symlinks.erase(path);
    }
    for (const auto& [path, found] : layer.packages) {
      packages[path] = {found, i};
      for (const auto& p : found) {
        first_seen.emplace(std::make_tuple(p.name, p.version, p.arch), i);
      }
    }
    for (const auto& [path, info] : layer.os) os[path] = info;
    for (const auto& [path, target] : layer.symlinks) symlinks[path] = target;
    for (const auto& w : layer.warnings) inventory.warnings.push_back(w);
  }
  for (const char* candidate :
       {"etc/os-release", "usr/lib/os-release", "etc/centos-release", "etc/redhat-release"}) {
    auto it = os.find(resolve(candidate, symlinks));
    if (it != os.end()) {
      inventory.os = it->second;
      break;
    }
  }
  for (auto& [path, entry] : secrets) {
    for (auto& s : entry.first) {
      s.layer_diff_id = layer_id(entry.second);
      inventory.secrets.push_back(std::move(s));
    }
  }
  std::sort(inventory.secrets.begin(), inventory.secrets.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.line, a.rule, a.layer_diff_id) <
           std::tie(b.path, b.line, b.rule, b.layer_diff_id);
  });
  for (const auto& [path, entry] : executables) {
    if ((entry.first & 06000) != 0) {
      inventory.special_files.push_back({path, entry.first, layer_id(entry.second)});
    }
    if (is_package_manager(path)) inventory.package_managers.push_back(path);
  }
  for (const auto& [path, target] : symlinks) {
    if (is_package_manager(path)) inventory.package_managers.push_back(path);
  }
  std::sort(inventory.package_managers.begin(), inventory.package_managers.end());
  std::set<std::string> installed_manifests;
  for (const auto& [path, entry] : packages) {
    for (const auto& p : entry.first) {
      if (p.type == "npm") installed_manifests.insert(p.path);
    }
  }
  for (auto& [path, entry] : packages) {
    for (auto& p : entry.first) {
      if (p.type == kNpmLockType) {
        if (!installed_manifests.contains(p.install_path + "/package.json")) {
          p.type = "npm";
          p.layer_diff_id = entry.second < diff_ids.size() ? diff_ids[entry.second] : "";
          p.purl = make_purl(p, inventory.os);
          inventory.declared_only.push_back(p);
        }
        continue;
      }
      size_t layer = entry.second;
      if (p.type == "deb") layer = first_seen[std::make_tuple(p.name, p.version, p.arch)];
      p.layer_diff_id = layer < diff_ids.size() ? diff_ids[layer] : "";
      p.purl = make_purl(p, inventory.os);
      inventory.packages.push_back(p);
    }
  }
  std::sort(inventory.packages.begin(), inventory.packages.end(),
            [](const Package& a, const Package& b) {
              return std::tie(a.type, a.name, a.version, a.path) <
                     std::tie(b.type, b.name, b.version, b.path);
            });
  return inventory;
}

}  // namespace portcullis::analyze
