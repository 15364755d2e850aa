// The OCI Distribution Spec v1.1 registry: request dispatch, authorization and the handlers
// for blobs, uploads, manifests, tags, catalog and referrers.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/digest.hpp"
#include "http/message.hpp"
#include "http/server.hpp"
#include "registry/auth.hpp"
#include "registry/errors.hpp"
#include "registry/hooks.hpp"
#include "registry/metrics.hpp"
#include "registry/routes.hpp"
#include "store/blob_store.hpp"
#include "store/commit_lock.hpp"
#include "store/metadata_store.hpp"

namespace portcullis::registry {

struct RegistryOptions {
  bool delete_enabled = true;
};

// A random id shaped like a version 4 UUID (upload sessions).
std::string new_upload_id();

class Registry {
 public:
  Registry(RegistryOptions options, store::MetadataStore& metadata, store::BlobStore& blobs,
           const store::CommitLock& commit_lock, Authenticator& auth, Metrics& metrics);

  http::Response handle(http::Request& request);

  // Serves paths below `prefix` (outside /v2/) with `handler`, for APIs of higher modules
  // (attestors, vouch, the admission webhook). Callers are authenticated first: anonymous
  // callers get a 401 with a Basic challenge when authentication is on; with it off every
  // caller is an admin. A `public_endpoint` skips authentication (the Kubernetes API server
  // calling the admission webhook has no registry account). Mount before the server starts.
  using ApiHandler = std::function<http::Response(http::Request&, const Identity&)>;
  void mount(std::string prefix, ApiHandler handler, bool public_endpoint = false);
  // What `identity` may do on `repository` (for API handlers).
  unsigned allowed(const Identity& identity, std::string_view repository) {
    return auth_.allowed(identity, repository);
  }
  void observe(const http::Exchange& exchange);
  void add_service_account(const std::string& user, const std::string& secret) {
    auth_.add_service_account(user, secret);
  }

  // Checks and event sinks of higher modules; set before the server starts.
  void set_hooks(RegistryHooks hooks);
  // Stores a manifest as a push does (the same checks and events), for the server's own writes
  // (promotion copies, scan results). `error` is set when it was refused.
  struct Stored {
    std::optional<RegistryError> error;
    std::string message;
    std::optional<Error> internal;  // with kInternal: the detail for the log
    std::string digest;
    std::string subject;
  };
  Stored store_manifest(std::string_view repository, std::optional<std::string_view> tag,
                        std::string_view content_type, std::string body,
                        const std::optional<Digest>& pushed_digest, std::string_view user,
                        std::string_view remote);
  // Makes a blob already in the store available in `repository` (a cross-repository mount).
  Status link_blob(std::string_view repository, const Digest& digest);
  // Stores a blob read from `read` (0 at the end) when its content has digest `expected`;
  // nothing is stored otherwise.
  using BlobReadFn = std::function<Result<size_t>(std::span<std::byte>)>;
  Status put_blob_from(std::string_view repository, const Digest& expected, const BlobReadFn& read);
  // Stores a small blob (a JSON document) in `repository`.
  Result<Digest> put_blob(std::string_view repository, std::string_view content);

 private:
  struct Call {
    http::Request& request;
    const Route& route;
    Identity identity;
  };
  // Hash state of an upload kept between its requests, so the final PUT need not re-read it.
  struct UploadSession {
    std::mutex mutex;
    Hasher hasher{DigestAlgorithm::kSha256};
    int64_t hashed = 0;
  };

  http::Response dispatch(http::Request& request, const Route& route);
  std::optional<http::Response> authorize(Call& call, unsigned needed);
  http::Response challenge(const Call& call, std::string_view scope, std::string_view message);

  http::Response get_blob(Call& call, bool head);
  http::Response delete_blob(Call& call);
  http::Response start_upload(Call& call);
  http::Response patch_upload(Call& call);
  http::Response put_upload(Call& call);
  http::Response upload_status(Call& call);
  http::Response cancel_upload(Call& call);
  http::Response get_manifest(Call& call, bool head);
  http::Response put_manifest(Call& call);
  http::Response delete_manifest(Call& call);
  http::Response list_tags(Call& call);
  http::Response list_catalog(Call& call);
  http::Response list_referrers(Call& call);
  http::Response metrics_page();
  struct Api {
    std::string prefix;
    ApiHandler handler;
    bool public_endpoint;
  };
  http::Response serve_api(http::Request& request, const Api& api);

  // Upload helpers.
  std::optional<http::Response> check_upload(Call& call, const std::string& id);
  std::optional<http::Response> append_body(Call& call, const std::string& id,
                                            UploadSession& session);
  http::Response finish_upload(Call& call, const std::string& id, const Digest& digest,
                               UploadSession* session);
  http::Response upload_accepted(Call& call, const std::string& id, int64_t size, unsigned status);
  std::optional<http::Response> try_mount(Call& call, const Digest& digest);
  std::shared_ptr<UploadSession> session_for(const std::string& id);
  void forget_session(const std::string& id);
  void emit(const RegistryEvent& event);
  http::Response internal_error(const Call& call, const Error& error);
  http::Response manifest_unknown(const Call& call, const std::string& what);

  RegistryOptions options_;
  store::MetadataStore& metadata_;
  store::BlobStore& blobs_;
  const store::CommitLock& commit_lock_;
  Authenticator& auth_;
  Metrics& metrics_;
  std::vector<Api> apis_;
  RegistryHooks hooks_;
  std::mutex sessions_mutex_;
  std::unordered_map<std::string, std::shared_ptr<UploadSession>> sessions_;
};

}  // namespace portcullis::registry
