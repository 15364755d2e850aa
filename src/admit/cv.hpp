// Continuous validation, as Binary Authorization's CV does it: the images of running pods are
// re-evaluated under the current policy and attestations, and every pod that does not conform
// is reported (dry-run rules included: CV reports, it does not block). Pods come from a file
// (`kubectl get pods -A -o json`) or from the Kubernetes API through a kubeconfig.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "admit/policy.hpp"
#include "admit/review.hpp"
#include "admit/verifier.hpp"
#include "http/client.hpp"

namespace portcullis::admit {

struct RunningPod {
  std::string ns;
  std::string name;
  std::string service_account;
  std::vector<ContainerImage> images;  // image@digest when the status names the running digest
};

// A PodList / List of Pods / one Pod, as the API and kubectl write them.
Result<std::vector<RunningPod>> parse_pods(std::string_view json, std::string_view where);

struct CvReport {
  size_t pods = 0;
  size_t conforming = 0;
  std::vector<nlohmann::json> violations;  // one JSON object per non-conforming pod
};

CvReport validate_pods(const AdmissionPolicy& policy, const std::string& cluster,
                       const std::vector<RunningPod>& pods, Verifier& verifier,
                       const std::string& time);

// The API server and credentials of a kubeconfig's current context: bearer token (token or
// tokenFile) or client certificate (data or file), CA (data or file) or insecure-skip-tls-verify.
struct KubeAccess {
  std::string server;
  http::ClientOptions tls;
  std::string bearer;
};
Result<KubeAccess> load_kubeconfig(const std::string& path);
// GET /api/v1/pods (every namespace): the PodList JSON.
Result<std::string> list_pods(const KubeAccess& access);

}  // namespace portcullis::admit
