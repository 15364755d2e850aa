// The registry side of REQUIRE_ATTESTATION: resolving image references to digests and checking
// that attestors attested a digest (a simple-signing signature by one of the attestor's keys
// binding the digest, in any layout `sign` reads), with a TTL cache per (digest, attestor set)
// and a bound on the time spent.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "http/registry_client.hpp"
#include "oci/reference.hpp"
#include "sign/attestor.hpp"

namespace portcullis::admit {

// USER and PASSWORD for a registry (empty: anonymous); the CLI reads the auth files.
using Credentials =
    std::function<Result<std::pair<std::string, std::string>>(const oci::Reference& ref)>;

struct VerifierOptions {
  std::vector<sign::Attestor> attestors;  // by name; else each registry's attestor API
  Credentials credentials;                // unset: anonymous
  bool tls_verify = true;
  std::chrono::seconds cache_ttl{300};
  bool fail_open = false;    // registry unreachable: allow (with a warning) instead of deny
  long timeout_seconds = 5;  // per registry request: bounds the time an admission review takes
};

struct AttestationCheck {
  std::vector<std::string> missing;  // "attestor A: why", one per attestor without an attestation
  bool cached = false;
};

// When a review must be answered by; time_point::max() for none.
using Deadline = std::chrono::steady_clock::time_point;
inline constexpr Deadline kNoDeadline = Deadline::max();

class Verifier {
 public:
  explicit Verifier(VerifierOptions options) : options_(std::move(options)) {}
  virtual ~Verifier() = default;

  // The manifest digest `image` names ("sha256:…"): its own, or its tag's from the registry.
  // Every registry request gets at most the time left before `deadline` (and timeout_seconds).
  virtual Result<std::string> resolve(const std::string& image, Deadline deadline = kNoDeadline);
  // Which of `attestors` have no verifying attestation for image@digest. Errors: the registry
  // or attestor API could not be reached (the caller applies fail-open/closed).
  virtual Result<AttestationCheck> check(const std::string& image, const std::string& digest,
                                         const std::vector<std::string>& attestors,
                                         Deadline deadline = kNoDeadline);
  // Forget cached results (policy reload).
  void clear();
  bool fail_open() const { return options_.fail_open; }
  uint64_t cache_hits() const { return hits_; }

 private:
  Result<sign::Attestor> attestor(const std::string& registry, const std::string& name,
                                  Deadline deadline);
  Result<http::RegistryEndpoint> endpoint(const oci::Reference& ref, const std::string& repository,
                                          const std::string& location, Deadline deadline);

  VerifierOptions options_;
  std::mutex mutex_;
  struct Entry {
    AttestationCheck result;
    std::chrono::steady_clock::time_point expires;
  };
  std::map<std::string, Entry> cache_;
  std::map<std::string, sign::Attestor> fetched_attestors_;
  uint64_t hits_ = 0;
};

}  // namespace portcullis::admit
