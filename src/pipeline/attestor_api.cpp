// Attestor API handlers.
#include "pipeline/attestor_api.hpp"

#include "base/json_text.hpp"
#include "base/log.hpp"
#include "pipeline/api_response.hpp"
#include "sign/attestor.hpp"
#include "sign/attestor_client.hpp"

namespace portcullis::pipeline {
namespace {

constexpr size_t kMaxBody = 1 << 20;

Result<nlohmann::json> json_body(const http::Request& request) {
  auto body = request.read_body(kMaxBody);
  if (!body) return body.error();
  auto doc = nlohmann::json::parse(*body, nullptr, false);
  if (doc.is_discarded()) return make_error(ErrorCode::kInvalidArgument, "the body is not JSON");
  return doc;
}

Result<sign::Attestor> stored(store::MetadataStore& metadata, const std::string& name) {
  auto doc = metadata.get_attestor(name);
  if (!doc) return doc.error();
  if (!*doc) return make_error(ErrorCode::kNotFound, "no attestor {}", name);
  auto json = nlohmann::json::parse(**doc, nullptr, false);
  return sign::attestor_from_json(json, "stored attestor " + name);
}

class AttestorApi {
 public:
  AttestorApi(store::MetadataStore& metadata, AttestorAudit sink)
      : metadata_(metadata), sink_(std::move(sink)) {}

  http::Response operator()(http::Request& request, const registry::Identity& who) {
    using http::Verb;
    std::string_view rest = std::string_view(request.path).substr(sign::kAttestorApi.size());
    if (!rest.empty()) rest.remove_prefix(1);  // the "/"
    std::string name(rest.substr(0, rest.find('/')));
    std::string_view tail = rest.size() > name.size() ? rest.substr(name.size()) : "";
    bool mutation = request.method != Verb::get && request.method != Verb::head;
    if (mutation && !who.is_admin) {
      return api_error(403, "DENIED",
                       fmt::format("user {} may not change attestors (admins only)", who.user));
    }
    if (name.empty() && request.method == Verb::get) return list();
    if (name.empty() && request.method == Verb::post) return create(request, who);
    if (!name.empty() && tail.empty() && request.method == Verb::get) return get(name);
    if (!name.empty() && tail.empty() && request.method == Verb::delete_) return remove(name, who);
    if (!name.empty() && tail == "/publicKeys" && request.method == Verb::post) {
      return add_key(request, name, who);
    }
    return api_error(405, "UNSUPPORTED",
                     fmt::format("{} is not supported on {}",
                                 http::beast_http::to_string(request.method), request.path));
  }

 private:
  http::Response list() {
    auto docs = metadata_.list_attestors();
    if (!docs) return api_error(docs.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : *docs) out.push_back(nlohmann::json::parse(d, nullptr, false));
    return json_response(200, {{"attestors", out}});
  }

  http::Response get(const std::string& name) {
    auto a = stored(metadata_, name);
    if (!a) return api_error(a.error());
    return json_response(200, sign::attestor_to_json(*a));
  }

  http::Response create(http::Request& request, const registry::Identity& who) {
    auto doc = json_body(request);
    if (!doc) return api_error(doc.error());
    auto a = sign::attestor_from_json(*doc, "attestor");
    if (!a) return api_error(a.error());
    auto put =
        metadata_.put_attestor(a->short_name(), to_json_text(sign::attestor_to_json(*a)), true);
    if (!put) return api_error(put.error());
    if (!*put) return api_error(409, "ALREADY_EXISTS", "attestor " + a->short_name() + " exists");
    audit(who, "create", a->short_name());
    return json_response(201, sign::attestor_to_json(*a));
  }

  http::Response add_key(http::Request& request, const std::string& name,
                         const registry::Identity& who) {
    std::lock_guard lock(mutex_);  // read-modify-write of one document
    auto a = stored(metadata_, name);
    if (!a) return api_error(a.error());
    auto doc = json_body(request);
    if (!doc) return api_error(doc.error());
    // A key is checked as the attestor would check it: parse it inside a one-key attestor.
    nlohmann::json probe = {
        {"name", name},
        {"userOwnedGrafeasNote",
         {{"noteReference", ""}, {"publicKeys", nlohmann::json::array({*doc})}}}};
    auto parsed = sign::attestor_from_json(probe, "publicKey");
    if (!parsed) return api_error(parsed.error());
    for (const auto& k : a->keys) {
      if (k.id == parsed->keys[0].id) {
        return api_error(409, "ALREADY_EXISTS",
                         fmt::format("attestor {} already has key {}", name, k.id));
      }
    }
    a->keys.push_back(parsed->keys[0]);
    auto put = metadata_.put_attestor(name, to_json_text(sign::attestor_to_json(*a)), false);
    if (!put) return api_error(put.error());
    audit(who, "add-key " + parsed->keys[0].id, name);
    return json_response(200, sign::attestor_to_json(*a));
  }

  http::Response remove(const std::string& name, const registry::Identity& who) {
    auto deleted = metadata_.delete_attestor(name);
    if (!deleted) return api_error(deleted.error());
    if (!*deleted) return api_error(404, "NOT_FOUND", "no attestor " + name);
    audit(who, "delete", name);
    return json_response(204, nullptr);
  }

  void audit(const registry::Identity& who, std::string_view what, std::string_view name) {
    log::info("attestor change", {{"user", who.user}, {"action", what}, {"attestor", name}});
    if (sink_) sink_(who, what, name);
  }

  store::MetadataStore& metadata_;
  AttestorAudit sink_;
  std::mutex mutex_;
};

}  // namespace

void mount_attestor_api(registry::Registry& registry, store::MetadataStore& metadata,
                        AttestorAudit audit) {
  auto api = std::make_shared<AttestorApi>(metadata, std::move(audit));
  registry.mount(std::string(sign::kAttestorApi),
                 [api](http::Request& r, const registry::Identity& who) { return (*api)(r, who); });
}

}  // namespace portcullis::pipeline
