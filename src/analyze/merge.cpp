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

template <typename Map>
void hide(Map& map, const LayerFindings& layer) {
  for (auto it = map.begin(); it != map.end();) {
    bool hidden = false;
    for (const auto& d : layer.opaque_dirs) hidden = hidden || under(it->first, d);
    for (const auto& w : layer.whiteouts) hidden = hidden || it->first == w || under(it->first, w);
    if (hidden) {
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
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerFindings& layer = *layers[i];
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
