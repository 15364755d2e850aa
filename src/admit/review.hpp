// Kubernetes admission.k8s.io/v1 AdmissionReview: the workload a request carries (Pods and the
// pod templates of Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs and
// ReplicationControllers) with every container, init container and ephemeral container image,
// and the AdmissionReview response.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace portcullis::admit {

struct ContainerImage {
  std::string field;  // "containers[0]", "initContainers[1]", "ephemeralContainers[0]"
  std::string name;   // the container's name
  std::string image;
};

struct Workload {
  std::string uid;  // request.uid, echoed in the response
  std::string operation;
  std::string kind;  // "Pod", "Deployment", ...
  std::string name;
  std::string ns;
  std::string service_account;  // the pod spec's serviceAccountName, else "default"
  bool break_glass = false;     // (alpha.)image-policy.k8s.io/break-glass: "true"
  std::vector<ContainerImage> images;
};

// Errors name the JSON path at fault (400 for the webhook).
Result<Workload> parse_admission_review(std::string_view body);

// {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{uid, allowed,
// status {code, message} when denied, warnings}}.
nlohmann::json admission_response(const std::string& uid, bool allowed, const std::string& message,
                                  const std::vector<std::string>& warnings);

}  // namespace portcullis::admit
