// AdmissionReview parsing.
#include "admit/review.hpp"

namespace portcullis::admit {
namespace {

Error bad(std::string_view path, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument, "AdmissionReview {}: {}", path, why);
}

const nlohmann::json* child(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string text(const nlohmann::json* j) {
  return j != nullptr && j->is_string() ? j->get<std::string>() : "";
}

bool break_glass(const nlohmann::json* metadata) {
  const nlohmann::json* annotations =
      metadata != nullptr ? child(*metadata, "annotations") : nullptr;
  if (annotations == nullptr) return false;
  for (const char* key :
       {"alpha.image-policy.k8s.io/break-glass", "image-policy.k8s.io/break-glass"}) {
    if (text(child(*annotations, key)) == "true") return true;
  }
  return false;
}

}  // namespace

Result<Workload> parse_admission_review(std::string_view body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) return bad("(body)", "not a JSON object");
  if (text(child(doc, "apiVersion")) != "admission.k8s.io/v1" ||
      text(child(doc, "kind")) != "AdmissionReview") {
    return bad("apiVersion/kind", "expected admission.k8s.io/v1 AdmissionReview");
  }
  const nlohmann::json* request = child(doc, "request");
  if (request == nullptr || !request->is_object()) return bad("request", "missing");
  Workload w;
  w.uid = text(child(*request, "uid"));
  if (w.uid.empty()) return bad("request.uid", "missing");
  w.operation = text(child(*request, "operation"));
  const nlohmann::json* kind = child(*request, "kind");
  w.kind = kind != nullptr ? text(child(*kind, "kind")) : "";
  const nlohmann::json* object = child(*request, "object");
  if (object == nullptr || !object->is_object()) return bad("request.object", "missing");
  const nlohmann::json* metadata = child(*object, "metadata");
  w.name = metadata != nullptr ? text(child(*metadata, "name")) : "";
  if (w.name.empty()) w.name = text(child(*request, "name"));
  if (w.name.empty() && metadata != nullptr) w.name = text(child(*metadata, "generateName"));
  w.ns = text(child(*request, "namespace"));
  if (w.ns.empty() && metadata != nullptr) w.ns = text(child(*metadata, "namespace"));
  if (w.ns.empty()) w.ns = "default";
  w.break_glass = break_glass(metadata);

  // The pod spec, by kind.
  const nlohmann::json* spec = child(*object, "spec");
  std::string path = "request.object.spec";
  if (w.kind == "CronJob") {
    const nlohmann::json* job = spec != nullptr ? child(*spec, "jobTemplate") : nullptr;
    spec = job != nullptr ? child(*job, "spec") : nullptr;
    path += ".jobTemplate.spec";
  }
  if (w.kind != "Pod") {
    const nlohmann::json* tmpl = spec != nullptr ? child(*spec, "template") : nullptr;
    if (tmpl != nullptr) w.break_glass = w.break_glass || break_glass(child(*tmpl, "metadata"));
    spec = tmpl != nullptr ? child(*tmpl, "spec") : nullptr;
    path += ".template.spec";
  }
  static const std::vector<std::string> kKinds = {
      "Pod",       "Deployment", "ReplicaSet", "StatefulSet",
      "DaemonSet", "Job",        "CronJob",    "ReplicationController"};
  if (std::find(kKinds.begin(), kKinds.end(), w.kind) == kKinds.end()) {
    return bad("request.kind.kind",
               "\"" + w.kind + "\" is not a workload kind this webhook reviews");
  }
  if (spec == nullptr || !spec->is_object()) return bad(path, "missing pod spec");
  w.service_account = text(child(*spec, "serviceAccountName"));
  if (w.service_account.empty()) w.service_account = text(child(*spec, "serviceAccount"));
  if (w.service_account.empty()) w.service_account = "default";
  for (const char* list : {"initContainers", "containers", "ephemeralContainers"}) {
    const nlohmann::json* containers = child(*spec, list);
    if (containers == nullptr || containers->is_null()) continue;
    if (!containers->is_array()) return bad(path + "." + list, "not a list");
    for (size_t i = 0; i < containers->size(); ++i) {
      std::string field = fmt::format("{}[{}]", list, i);
      std::string image = text(child((*containers)[i], "image"));
      if (image.empty()) return bad(path + "." + field + ".image", "missing");
      w.images.push_back({field, text(child((*containers)[i], "name")), image});
    }
  }
  return w;
}

nlohmann::json admission_response(const std::string& uid, bool allowed, const std::string& message,
                                  const std::vector<std::string>& warnings) {
  nlohmann::json response = {{"uid", uid}, {"allowed", allowed}};
  if (!allowed) response["status"] = {{"code", 403}, {"reason", "Forbidden"}, {"message", message}};
  if (!warnings.empty()) response["warnings"] = warnings;
  return {
      {"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"response", response}};
}

}  // namespace portcullis::admit
