// LayerResult <-> JSON files under DIR/layers/, written atomically.
#include "analyze/layer_cache.hpp"

#include <nlohmann/json.hpp>

#include "analyze/inventory_json.hpp"
#include "analyze/registry.hpp"
#include "base/file.hpp"
#include "base/json_text.hpp"

namespace portcullis::analyze {
namespace {

using nlohmann::json;

}  // namespace

std::filesystem::path LayerCache::path_for(const Digest& layer) const {
  // The key covers the analyzers, so a new analyzer version never reads an old entry.
  return dir_ / "layers" / (digest_of(layer.str() + "|" + analyzers_fingerprint()).hex() + ".json");
}

std::optional<LayerResult> LayerCache::get(const Digest& layer) const {
  auto text = read_file(path_for(layer));
  if (!text) return std::nullopt;
  auto j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    auto diff_id = Digest::parse(j.at("diff_id").get<std::string>());
    if (!diff_id) return std::nullopt;
    LayerResult r{{}, *diff_id};
    auto& f = r.findings;
    for (const auto& [path, list] : j.at("packages").items()) {
      auto& v = f.packages[path];
      for (const auto& p : list) v.push_back(package_from(p));
    }
    for (const auto& [path, o] : j.at("os").items()) {
      f.os[path] = OsInfo{o.value("id", ""), o.value("version_id", ""), o.value("pretty_name", "")};
    }
    for (const auto& t : j.at("touched")) f.touched.insert(t.get<std::string>());
    for (const auto& t : j.at("whiteouts")) f.whiteouts.insert(t.get<std::string>());
    for (const auto& t : j.at("opaque_dirs")) f.opaque_dirs.insert(t.get<std::string>());
    for (const auto& [path, target] : j.at("symlinks").items())
      f.symlinks[path] = target.get<std::string>();
    for (const auto& w : j.at("warnings")) f.warnings.push_back(w.get<std::string>());
    for (const auto& [path, list] : j.at("secrets").items()) {
      for (const auto& s : list) {
        f.secrets[path].push_back(Secret{s.at("rule").get<std::string>(), "file", path,
                                         s.at("line").get<int>(), "", true, "",
                                         s.at("masked").get<std::string>()});
      }
    }
    for (const auto& [path, mode] : j.at("executables").items())
      f.executables[path] = mode.get<uint32_t>();
    return r;
  } catch (const json::exception&) {
    return std::nullopt;  // a damaged entry is a miss, never an error
  }
}

Status LayerCache::put(const Digest& layer, const LayerResult& r) const {
  const auto& f = r.findings;
  json packages = json::object();
  for (const auto& [path, list] : f.packages) {
    json arr = json::array();
    for (const auto& p : list) arr.push_back(package_json(p));
    packages[path] = arr;
  }
  json os = json::object();
  for (const auto& [path, o] : f.os)
    os[path] = {{"id", o.id}, {"version_id", o.version_id}, {"pretty_name", o.pretty_name}};
  json secrets = json::object();
  for (const auto& [path, list] : f.secrets) {
    json arr = json::array();
    for (const auto& s : list) {
      arr.push_back({{"rule", s.rule}, {"line", s.line}, {"masked", s.masked}});
    }
    secrets[path] = arr;
  }
  json j = {
      {"diff_id", r.diff_id.str()},  {"packages", packages},     {"os", os},
      {"touched", f.touched},        {"whiteouts", f.whiteouts}, {"opaque_dirs", f.opaque_dirs},
      {"symlinks", f.symlinks},      {"warnings", f.warnings},   {"secrets", secrets},
      {"executables", f.executables}};
  std::error_code ec;
  std::filesystem::create_directories(dir_ / "layers", ec);
  if (ec)
    return make_error(ErrorCode::kIo, "create cache {}: {}", (dir_ / "layers").string(),
                      ec.message());
  return write_file_atomic(path_for(layer), to_json_text(j), 0644);
}

}  // namespace portcullis::analyze
