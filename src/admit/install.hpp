// `portcullis admit install`: the manifests that run the webhook in a cluster — Namespace,
// ConfigMap (policy and attestors), Secret (a generated serving certificate), Deployment,
// Service and a ValidatingWebhookConfiguration (caBundle = the generated CA) for Pods and the
// workload kinds, skipping kube-system and the webhook's own namespace.
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"

namespace portcullis::admit {

struct InstallOptions {
  std::string ns = "portcullis-system";
  std::string name = "portcullis-admission";
  std::string image = "portcullis:0.1.0";
  std::string policy_yaml;     // the policy file's content
  std::string attestors_yaml;  // optional
  std::string cluster;         // location.clusterId, passed to the webhook
  bool fail_open = false;      // failurePolicy Ignore instead of Fail
  int timeout_seconds = 10;    // the API server's wait for an answer (1..30)
  int certificate_days = 365;
  std::vector<std::string> excluded_namespaces = {"kube-system"};  // plus `ns`
};

struct CertificatePair {
  std::string ca_pem;
  std::string cert_pem;  // signed by the CA, for the Service's DNS names
  std::string key_pem;
};

// A new EC P-256 CA and serving certificate for `dns_names`.
Result<CertificatePair> make_serving_certificate(const std::vector<std::string>& dns_names,
                                                 int days);

// The manifests as a multi-document YAML stream (each document JSON, which is YAML).
Result<std::string> install_manifests(const InstallOptions& options);

}  // namespace portcullis::admit
