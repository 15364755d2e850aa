// Continuous validation of running pods.
#include "admit/cv.hpp"

#include "admit/evaluate.hpp"
#include "base/encoding.hpp"
#include "base/file.hpp"
#include "base/yaml_json.hpp"

namespace portcullis::admit {
namespace {

std::string text(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

const nlohmann::json& field(const nlohmann::json& j, const char* key) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// The running digest from a container status's imageID ("docker-pullable://repo@sha256:…",
// "repo@sha256:…"); empty when it names none.
std::string running_digest(const nlohmann::json& pod, const char* statuses,
                           const std::string& name) {
  for (const auto& s : field(field(pod, "status"), statuses)) {
    if (text(s, "name") != name) continue;
    std::string id = text(s, "imageID");
    auto at = id.find("@sha256:");
    if (at != std::string::npos) return id.substr(at + 1);
  }
  return "";
}

Result<RunningPod> pod_of(const nlohmann::json& pod, const std::string& where) {
  RunningPod p;
  p.ns = text(field(pod, "metadata"), "namespace");
  if (p.ns.empty()) p.ns = "default";
  p.name = text(field(pod, "metadata"), "name");
  const auto& spec = field(pod, "spec");
  if (!spec.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: pod {}/{} has no spec", where, p.ns,
                      p.name);
  }
  p.service_account = text(spec, "serviceAccountName");
  if (p.service_account.empty()) p.service_account = "default";
  static const std::array<std::pair<const char*, const char*>, 3> kLists = {
      {{"initContainers", "initContainerStatuses"},
       {"containers", "containerStatuses"},
       {"ephemeralContainers", "ephemeralContainerStatuses"}}};
  for (const auto& [list, statuses] : kLists) {
    const auto& containers = field(spec, list);
    if (!containers.is_array()) continue;
    for (size_t i = 0; i < containers.size(); ++i) {
      std::string image = text(containers[i], "image");
      std::string name = text(containers[i], "name");
      if (image.empty()) continue;
      std::string digest = running_digest(pod, statuses, name);
      if (!digest.empty() && image.find('@') == std::string::npos) image += "@" + digest;
      p.images.push_back({fmt::format("{}[{}]", list, i), name, image});
    }
  }
  return p;
}

}  // namespace

Result<std::vector<RunningPod>> parse_pods(std::string_view json, std::string_view where) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "{}: not a JSON object", where);
  }
  std::vector<RunningPod> out;
  std::string kind = text(doc, "kind");
  if (kind == "Pod") {
    auto p = pod_of(doc, std::string(where));
    if (!p) return p.error();
    out.push_back(std::move(*p));
    return out;
  }
  if (kind != "PodList" && kind != "List") {
    return make_error(ErrorCode::kInvalidArgument, "{}: kind \"{}\" is not PodList, List or Pod",
                      where, kind);
  }
  for (const auto& item : field(doc, "items")) {
    if (!text(item, "kind").empty() && text(item, "kind") != "Pod") continue;
    auto p = pod_of(item, std::string(where));
    if (!p) return p.error();
    out.push_back(std::move(*p));
  }
  return out;
}

CvReport validate_pods(const AdmissionPolicy& policy, const std::string& cluster,
                       const std::vector<RunningPod>& pods, Verifier& verifier,
                       const std::string& time) {
  CvReport r;
  for (const auto& pod : pods) {
    ++r.pods;
    Deployment where{cluster, pod.ns, pod.service_account, ""};
    nlohmann::json bad = nlohmann::json::array();
    for (const auto& c : pod.images) {
      auto d = evaluate_image(policy, where, c.image, verifier);
      if (d.conforms) continue;
      bad.push_back({{"container", c.field},
                     {"image", c.image},
                     {"digest", d.digest},
                     {"rule", d.rule},
                     {"evaluationMode", evaluation_mode_name(d.evaluation_mode)},
                     {"enforcementMode", enforcement_mode_name(d.enforcement_mode)},
                     {"reasons", d.reasons}});
    }
    if (bad.empty()) {
      ++r.conforming;
      continue;
    }
    r.violations.push_back({{"time", time},
                            {"cluster", cluster},
                            {"namespace", pod.ns},
                            {"pod", pod.name},
                            {"serviceAccount", pod.service_account},
                            {"images", bad}});
  }
  return r;
}

Result<KubeAccess> load_kubeconfig(const std::string& path) {
  auto content = read_file(path);
  if (!content) return make_error(ErrorCode::kInvalidArgument, "{}", content.error().what());
  auto doc = parse_yaml_as_json(*content, path);
  if (!doc) return doc.error();
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kInvalidArgument, "{}: {}", path, why);
  };
  std::string current = text(*doc, "current-context");
  if (current.empty()) return bad("no current-context");
  auto named = [&](const char* list, const std::string& name) -> const nlohmann::json* {
    for (const auto& e : field(*doc, list)) {
      if (text(e, "name") == name) return &e;
    }
    return nullptr;
  };
  const nlohmann::json* context = named("contexts", current);
  if (context == nullptr) return bad("no context named " + current);
  const auto& ctx = field(*context, "context");
  const nlohmann::json* cluster = named("clusters", text(ctx, "cluster"));
  if (cluster == nullptr) return bad("no cluster named " + text(ctx, "cluster"));
  const nlohmann::json* user = named("users", text(ctx, "user"));
  const auto& c = field(*cluster, "cluster");
  KubeAccess a;
  a.server = text(c, "server");
  if (a.server.empty())
    return bad("clusters[" + text(*cluster, "name") + "].cluster.server is empty");
  while (a.server.ends_with('/')) a.server.pop_back();
  a.tls.timeout_seconds = 30;
  a.tls.tls_verify = text(c, "insecure-skip-tls-verify") != "true";
  // Relative files in a kubeconfig are relative to the kubeconfig.
  auto resolve = [&](const std::string& f) {
    std::filesystem::path p(f);
    return p.is_absolute() ? p : std::filesystem::path(path).parent_path() / p;
  };
  auto pem = [&](const nlohmann::json& j, const char* data_key, const char* file_key,
                 std::string& out) -> Status {
    if (std::string data = text(j, data_key); !data.empty()) {
      auto decoded = base64_decode(data);
      if (!decoded) return bad(std::string(data_key) + " is not base64");
      out = std::move(*decoded);
    } else if (std::string file = text(j, file_key); !file.empty()) {
      auto read = read_file(resolve(file));
      if (!read) return bad(read.error().message());
      out = std::move(*read);
    }
    return Ok{};
  };
  PORTCULLIS_TRY(pem(c, "certificate-authority-data", "certificate-authority", a.tls.ca_pem));
  if (user != nullptr) {
    const auto& u = field(*user, "user");
    a.bearer = text(u, "token");
    if (std::string file = text(u, "tokenFile"); a.bearer.empty() && !file.empty()) {
      auto token = read_file(resolve(file));
      if (!token) return bad(token.error().message());
      a.bearer = *token;
      while (!a.bearer.empty() && std::isspace(static_cast<unsigned char>(a.bearer.back()))) {
        a.bearer.pop_back();
      }
    }
    PORTCULLIS_TRY(pem(u, "client-certificate-data", "client-certificate", a.tls.client_cert_pem));
    PORTCULLIS_TRY(pem(u, "client-key-data", "client-key", a.tls.client_key_pem));
  }
  return a;
}

Result<std::string> list_pods(const KubeAccess& access) {
  http::Client client(access.tls);
  http::ClientRequest req;
  req.url = access.server + "/api/v1/pods";
  req.headers.emplace_back("Accept", "application/json");
  if (!access.bearer.empty()) req.headers.emplace_back("Authorization", "Bearer " + access.bearer);
  auto res = client.send(req);
  if (!res) return res.error();
  if (res->status != 200) {
    return make_error(
        res->status == 401 || res->status == 403 ? ErrorCode::kPermissionDenied : ErrorCode::kIo,
        "{}: list pods: HTTP {}: {}", access.server, res->status, res->body.substr(0, 300));
  }
  return std::move(res->body);
}

}  // namespace portcullis::admit
