// Digest resolution and attestation checks against registries.
#include "admit/verifier.hpp"

#include "http/registry_client.hpp"
#include "oci/reference.hpp"
#include "sign/attestor_client.hpp"
#include "sign/storage.hpp"
#include "sign/verify.hpp"

namespace portcullis::admit {
namespace {

std::string short_name(const std::string& name) {
  auto slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

}  // namespace

Result<http::RegistryEndpoint> Verifier::endpoint(const oci::Reference& ref,
                                                  const std::string& repository,
                                                  const std::string& location, Deadline deadline) {
  if (deadline != kNoDeadline && deadline <= std::chrono::steady_clock::now()) {
    return make_error(ErrorCode::kIo, "{}: the review's deadline passed", location);
  }
  std::pair<std::string, std::string> creds;
  if (options_.credentials) {
    auto found = options_.credentials(ref);
    if (!found) return found.error();
    creds = std::move(*found);
  }
  http::RegistryEndpoint e{ref.api_host(),      repository, creds.first, creds.second,
                           options_.tls_verify, "pull",     location};
  e.timeout_seconds = options_.timeout_seconds;
  if (deadline != kNoDeadline) e.deadline = deadline;
  return e;
}

Result<std::string> Verifier::resolve(const std::string& image, Deadline deadline) {
  auto ref = oci::parse_reference(image);
  if (!ref) return ref.error();
  if (ref->digest) return ref->digest->str();
  auto e = endpoint(*ref, ref->repository, image, deadline);
  if (!e) return e.error();
  http::RegistryClient client(std::move(*e));
  auto subject = sign::resolve_subject(client, *ref);
  if (!subject) return subject.error();
  return subject->digest;
}

Result<sign::Attestor> Verifier::attestor(const std::string& registry, const std::string& name,
                                          Deadline deadline) {
  for (const auto& a : options_.attestors) {
    if (a.name == name || a.short_name() == short_name(name)) return a;
  }
  if (!options_.attestors.empty()) {
    return make_error(ErrorCode::kNotFound, "attestor {} is not defined", name);
  }
  std::string key = registry + " " + short_name(name);
  {
    std::lock_guard lock(mutex_);
    if (auto it = fetched_attestors_.find(key); it != fetched_attestors_.end()) return it->second;
  }
  auto ref = oci::parse_reference(registry + "/x");
  if (!ref) return ref.error();
  auto e = endpoint(*ref, "", registry, deadline);
  if (!e) return e.error();
  http::RegistryClient api(std::move(*e));
  auto a = sign::get_attestor(api, short_name(name));
  if (!a) return a.error();
  std::lock_guard lock(mutex_);
  fetched_attestors_[key] = *a;
  return *a;
}

Result<AttestationCheck> Verifier::check(const std::string& image, const std::string& digest,
                                         const std::vector<std::string>& attestors,
                                         Deadline deadline) {
  auto ref = oci::parse_reference(image);
  if (!ref) return ref.error();
  std::string key = ref->registry + "/" + ref->repository + "@" + digest;
  for (const auto& a : attestors) key += " " + a;
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(key); it != cache_.end() && it->second.expires > now) {
      ++hits_;
      AttestationCheck hit = it->second.result;
      hit.cached = true;
      return hit;
    }
  }
  auto e = endpoint(*ref, ref->repository, image, deadline);
  if (!e) return e.error();
  http::RegistryClient client(std::move(*e));
  auto store = sign::registry_store(client);
  auto signatures = sign::fetch_signatures(*store, digest);
  if (!signatures) return signatures.error();
  AttestationCheck out;
  for (const auto& name : attestors) {
    auto a = attestor(ref->registry, name, deadline);
    if (!a) {
      if (a.error().code() == ErrorCode::kNotFound) {
        out.missing.push_back(fmt::format("attestor {}: {}", name, a.error().message()));
        continue;
      }
      return a.error();
    }
    auto v = sign::check_signatures(*signatures, a->keys, digest, "");
    if (!v.verified) {
      out.missing.push_back(
          v.candidates == 0
              ? fmt::format("attestor {}: no attestation for {}", name, digest)
              : fmt::format("attestor {}: none of {} attestation(s) verifies ({})", name,
                            v.candidates, v.rejected.empty() ? "" : v.rejected.front()));
    }
  }
  std::lock_guard lock(mutex_);
  cache_[key] = {out, now + options_.cache_ttl};
  return out;
}

void Verifier::clear() {
  std::lock_guard lock(mutex_);
  cache_.clear();
  fetched_attestors_.clear();
}

}  // namespace portcullis::admit
