// Manifests and certificates for a cluster.
#include "admit/install.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "base/encoding.hpp"

namespace portcullis::admit {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CertFree {
  void operator()(X509* c) const { X509_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

Error ssl_error(std::string_view what) {
  return make_error(ErrorCode::kInternal, "certificate generation: {}", what);
}

Result<Key> ec_key() {
  Key key(EVP_EC_gen("P-256"));
  if (!key) return ssl_error("EC key");
  return key;
}

Status extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return ssl_error("extension " + value);
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) return ssl_error("add extension");
  return Ok{};
}

Result<Cert> certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                         EVP_PKEY* issuer_key, int days) {
  Cert cert(X509_new());
  if (!cert) return ssl_error("X509_new");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return ssl_error("sign");
  return cert;
}

std::string pem_of(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string pem_of(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

Result<CertificatePair> make_serving_certificate(const std::vector<std::string>& dns_names,
                                                 int days) {
  auto ca_key = ec_key();
  if (!ca_key) return ca_key.error();
  // The CA: self-signed; extensions added before signing again.
  auto ca = certificate(ca_key->get(), "portcullis admission CA", nullptr, ca_key->get(), days);
  if (!ca) return ca.error();
  PORTCULLIS_TRY(extension(ca->get(), ca->get(), NID_basic_constraints, "critical,CA:TRUE"));
  PORTCULLIS_TRY(extension(ca->get(), ca->get(), NID_key_usage, "critical,keyCertSign,cRLSign"));
  PORTCULLIS_TRY(extension(ca->get(), ca->get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(ca->get(), ca_key->get(), EVP_sha256()) == 0) return ssl_error("sign CA");

  auto key = ec_key();
  if (!key) return key.error();
  auto cert = certificate(key->get(), dns_names.front(), ca->get(), ca_key->get(), days);
  if (!cert) return cert.error();
  std::string san;
  for (const auto& d : dns_names) san += (san.empty() ? "DNS:" : ",DNS:") + d;
  PORTCULLIS_TRY(extension(cert->get(), ca->get(), NID_subject_alt_name, san));
  PORTCULLIS_TRY(extension(cert->get(), ca->get(), NID_basic_constraints, "critical,CA:FALSE"));
  PORTCULLIS_TRY(extension(cert->get(), ca->get(), NID_key_usage, "critical,digitalSignature"));
  PORTCULLIS_TRY(extension(cert->get(), ca->get(), NID_ext_key_usage, "serverAuth"));
  PORTCULLIS_TRY(extension(cert->get(), ca->get(), NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert->get(), ca_key->get(), EVP_sha256()) == 0) return ssl_error("sign server");
  return CertificatePair{pem_of(ca->get()), pem_of(cert->get()), pem_of(key->get())};
}

Result<std::string> install_manifests(const InstallOptions& o) {
  if (o.timeout_seconds < 1 || o.timeout_seconds > 30) {
    return make_error(ErrorCode::kInvalidArgument,
                      "--timeout {}: the API server allows 1 to 30 seconds", o.timeout_seconds);
  }
  std::string service = o.name;
  std::vector<std::string> dns = {service + "." + o.ns + ".svc", service, service + "." + o.ns,
                                  service + "." + o.ns + ".svc.cluster.local"};
  auto certs = make_serving_certificate(dns, o.certificate_days);
  if (!certs) return certs.error();
  nlohmann::json labels = {{"app.kubernetes.io/name", o.name}};
  nlohmann::json ns = {{"apiVersion", "v1"},
                       {"kind", "Namespace"},
                       {"metadata", {{"name", o.ns}, {"labels", labels}}}};
  nlohmann::json config_data = {{"policy.yaml", o.policy_yaml}};
  if (!o.attestors_yaml.empty()) config_data["attestors.yaml"] = o.attestors_yaml;
  nlohmann::json config = {
      {"apiVersion", "v1"},
      {"kind", "ConfigMap"},
      {"metadata", {{"name", o.name}, {"namespace", o.ns}, {"labels", labels}}},
      {"data", config_data}};
  nlohmann::json secret = {
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"type", "kubernetes.io/tls"},
      {"metadata", {{"name", o.name + "-tls"}, {"namespace", o.ns}, {"labels", labels}}},
      {"data",
       {{"tls.crt", base64_encode(certs->cert_pem)}, {"tls.key", base64_encode(certs->key_pem)}}}};
  nlohmann::json args = {"admit",       "serve",
                         "--policy",    "/etc/portcullis/policy.yaml",
                         "--tls-cert",  "/etc/portcullis/tls/tls.crt",
                         "--tls-key",   "/etc/portcullis/tls/tls.key",
                         "--listen",    "0.0.0.0:8443",
                         "--audit-log", "-"};
  if (!o.attestors_yaml.empty()) {
    args.push_back("--attestors");
    args.push_back("/etc/portcullis/attestors.yaml");
  }
  if (!o.cluster.empty()) {
    args.push_back("--cluster");
    args.push_back(o.cluster);
  }
  if (o.fail_open) args.push_back("--fail-open");
  nlohmann::json probe = {{"httpGet", {{"path", "/healthz"}, {"port", 8443}, {"scheme", "HTTPS"}}}};
  nlohmann::json container = {
      {"name", "webhook"},
      {"image", o.image},
      {"args", args},
      {"ports", nlohmann::json::array({{{"containerPort", 8443}, {"name", "https"}}})},
      {"readinessProbe", probe},
      {"livenessProbe", probe},
      {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}}},
      {"securityContext",
       {{"runAsNonRoot", true},
        {"runAsUser", 65532},
        {"allowPrivilegeEscalation", false},
        {"readOnlyRootFilesystem", true},
        {"capabilities", {{"drop", nlohmann::json::array({"ALL"})}}}}},
      {"volumeMounts",
       nlohmann::json::array(
           {{{"name", "config"}, {"mountPath", "/etc/portcullis"}},
            {{"name", "tls"}, {"mountPath", "/etc/portcullis/tls"}, {"readOnly", true}}})}};
  nlohmann::json deployment = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", o.name}, {"namespace", o.ns}, {"labels", labels}}},
      {"spec",
       {{"replicas", 2},
        {"selector", {{"matchLabels", labels}}},
        {"template",
         {{"metadata", {{"labels", labels}}},
          {"spec",
           {{"containers", nlohmann::json::array({container})},
            {"volumes",
             nlohmann::json::array(
                 {{{"name", "config"}, {"configMap", {{"name", o.name}}}},
                  {{"name", "tls"}, {"secret", {{"secretName", o.name + "-tls"}}}}})}}}}}}}};
  nlohmann::json svc = {
      {"apiVersion", "v1"},
      {"kind", "Service"},
      {"metadata", {{"name", service}, {"namespace", o.ns}, {"labels", labels}}},
      {"spec",
       {{"selector", labels},
        {"ports",
         nlohmann::json::array({{{"name", "https"}, {"port", 443}, {"targetPort", "https"}}})}}}};
  nlohmann::json excluded = o.excluded_namespaces;
  if (std::find(excluded.begin(), excluded.end(), o.ns) == excluded.end()) excluded.push_back(o.ns);
  auto rule = [](const char* group, nlohmann::json resources) {
    return nlohmann::json{{"apiGroups", {group}},
                          {"apiVersions", {"v1"}},
                          {"operations", {"CREATE", "UPDATE"}},
                          {"resources", std::move(resources)},
                          {"scope", "Namespaced"}};
  };
  nlohmann::json webhook = {
      {"apiVersion", "admissionregistration.k8s.io/v1"},
      {"kind", "ValidatingWebhookConfiguration"},
      {"metadata", {{"name", o.name}, {"labels", labels}}},
      {"webhooks",
       nlohmann::json::array(
           {{{"name", "images.portcullis.dev"},
             {"admissionReviewVersions", {"v1"}},
             {"sideEffects", "None"},
             {"failurePolicy", o.fail_open ? "Ignore" : "Fail"},
             {"timeoutSeconds", o.timeout_seconds},
             {"clientConfig",
              {{"service",
                {{"namespace", o.ns}, {"name", service}, {"path", "/validate"}, {"port", 443}}},
               {"caBundle", base64_encode(certs->ca_pem)}}},
             {"rules", nlohmann::json::array({rule("", {"pods", "pods/ephemeralcontainers"}),
                                              rule("apps", {"deployments", "replicasets",
                                                            "statefulsets", "daemonsets"}),
                                              rule("batch", {"jobs", "cronjobs"})})},
             {"namespaceSelector",
              {{"matchExpressions", nlohmann::json::array({{{"key", "kubernetes.io/metadata.name"},
                                                            {"operator", "NotIn"},
                                                            {"values", excluded}}})}}}}})}};
  std::string out = "# portcullis admission webhook: kubectl apply -f THIS_FILE\n";
  for (const auto& doc : {ns, config, secret, deployment, svc, webhook}) {
    out += "---\n" + doc.dump(2) + "\n";
  }
  return out;
}

}  // namespace portcullis::admit
