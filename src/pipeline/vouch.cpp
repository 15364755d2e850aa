// Running the Voucher checks against one image and attesting the ones that pass.
#include <cstdlib>

#include "analyze/scan.hpp"
#include "base/file.hpp"
#include "http/registry_client.hpp"
#include "image/image.hpp"
#include "pipeline/voucher.hpp"
#include "policy/evaluate.hpp"
#include "sign/attestor_client.hpp"
#include "sign/dsse.hpp"
#include "sign/payload.hpp"
#include "sign/storage.hpp"
#include "sign/verify.hpp"
#include "vuln/database.hpp"
#include "vuln/matcher.hpp"

namespace portcullis::pipeline {
namespace {

bool wants(const VoucherConfig& c, std::string_view check) {
  return std::find(c.checks.begin(), c.checks.end(), check) != c.checks.end();
}

// What the checks share: the image, its registry, and what was read from it.
struct Context {
  const VoucherConfig& config;
  oci::Reference ref;
  std::string name;  // registry/repository
  sign::Subject subject;
  http::RegistryClient& client;
  std::unique_ptr<sign::ArtifactStore> store;
  std::optional<analyze::ScanResult> scanned;
  std::optional<vuln::MatchResult> matched;
  std::optional<vuln::DbMetadata> db;
  std::vector<sign::Attestor> attestor_file;  // from config.attestors
  VouchRequest request;
};

Result<sign::Attestor> attestor(Context& ctx, const std::string& name) {
  if (ctx.config.attestors) {
    for (const auto& a : ctx.attestor_file) {
      if (a.short_name() == name || a.name == name) return a;
    }
    return make_error(ErrorCode::kNotFound, "no attestor {} in {}", name,
                      ctx.config.attestors->string());
  }
  http::RegistryClient api({ctx.ref.api_host(), "", ctx.request.username, ctx.request.password,
                            ctx.request.tls_verify, "pull", ctx.ref.registry});
  return sign::get_attestor(api, name);
}

Status read_image(Context& ctx) {
  if (ctx.scanned) return Ok{};
  image::SourceOptions options{ctx.config.platform, {}};
  options.registry = {ctx.request.username, ctx.request.password, ctx.request.tls_verify};
  auto source = image::open_source("docker://" + ctx.name + "@" + ctx.subject.digest, options);
  if (!source) return source.error();
  analyze::ScanOptions scan_options;
  scan_options.cache_dir = ctx.config.cache_dir;
  auto scanned = analyze::scan_image(**source, scan_options);
  if (!scanned) return scanned.error();
  ctx.scanned = std::move(*scanned);
  return Ok{};
}

Status match(Context& ctx) {
  if (ctx.matched) return Ok{};
  PORTCULLIS_TRY(read_image(ctx));
  auto db = vuln::Database::open(ctx.config.db ? *ctx.config.db : vuln::default_db_path());
  if (!db) return db.error();
  ctx.db = (*db)->metadata();
  auto matched = vuln::match(ctx.scanned->inventory, **db);
  if (!matched) return matched.error();
  ctx.matched = std::move(*matched);
  return Ok{};
}

Status snakeoil(Context& ctx, CheckResult& r) {
  PORTCULLIS_TRY(match(ctx));
  int at_or_above = 0;
  for (const auto& f : ctx.matched->findings) {
    auto s = policy::severity_of(f);
    if (s < ctx.config.failon) continue;
    ++at_or_above;
    r.details.push_back(fmt::format("{} in {}: {}", f.id, f.purl, policy::severity_name(s)));
  }
  r.success = at_or_above == 0;
  if (!r.success) {
    r.err = fmt::format("{} vulnerabilities at or above {}", at_or_above,
                        policy::severity_name(ctx.config.failon));
  }
  return Ok{};
}

Status nobody(Context& ctx, CheckResult& r) {
  PORTCULLIS_TRY(read_image(ctx));
  std::string user = ctx.scanned->inventory.config.user;
  std::string name = user.substr(0, user.find(':'));
  r.success = !(name.empty() || name == "0" || name == "root");
  if (!r.success) {
    r.err = user.empty() ? "config.User is empty: the image runs as root"
                         : fmt::format("config.User is \"{}\": the image runs as root", user);
  } else {
    r.details.push_back("runs as " + user);
  }
  return Ok{};
}

Status diy(Context& ctx, CheckResult& r) {
  for (const auto& prefix : ctx.config.valid_repos) {
    if (ctx.name.starts_with(prefix)) {
      r.success = true;
      r.details.push_back(fmt::format("{} is under {}", ctx.name, prefix));
      return Ok{};
    }
  }
  r.err = fmt::format("{} is not under any valid_repos prefix", ctx.name);
  return Ok{};
}

// Every source URI a SLSA provenance predicate (v1 or v0.2) names.
std::vector<std::string> source_uris(const nlohmann::json& predicate) {
  std::vector<std::string> out;
  auto add = [&](const nlohmann::json& v) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  };
  auto at = [](const nlohmann::json& v, std::initializer_list<const char*> path) {
    const nlohmann::json* cur = &v;
    for (const char* p : path) {
      if (!cur->is_object() || !cur->contains(p)) return nlohmann::json();
      cur = &(*cur)[p];
    }
    return *cur;
  };
  auto build = at(predicate, {"buildDefinition"});
  auto external = at(build, {"externalParameters"});
  add(at(external, {"source"}));
  add(at(external, {"workflow", "repository"}));
  for (const auto& d : at(build, {"resolvedDependencies"})) add(at(d, {"uri"}));
  add(at(predicate, {"invocation", "configSource", "uri"}));
  for (const auto& m : at(predicate, {"materials"})) add(at(m, {"uri"}));
  return out;
}

Status provenance(Context& ctx, CheckResult& r) {
  auto type = sign::predicate_type_uri("slsaprovenance");
  if (!type) return type.error();
  auto stored = sign::fetch_attestations(*ctx.store, ctx.subject.digest);
  if (!stored) return stored.error();
  for (const auto& builder : ctx.config.trusted_builder_attestors) {
    auto a = attestor(ctx, builder);
    if (!a) return a.error();
    for (const auto& candidate : *stored) {
      auto v = sign::check_attestations({candidate}, a->keys, ctx.subject.digest, *type);
      if (!v.verified) continue;
      auto statement = nlohmann::json::parse(v.payload, nullptr, false);
      auto uris = source_uris(statement.is_object() ? statement["predicate"] : statement);
      for (const auto& uri : uris) {
        std::string plain = uri.starts_with("git+") ? uri.substr(4) : uri;
        for (const auto& trusted : ctx.config.trusted_source_repos) {
          if (plain.starts_with(trusted)) {
            r.success = true;
            r.details.push_back(fmt::format("built by {} from {}", builder, uri));
            return Ok{};
          }
        }
      }
      r.details.push_back(fmt::format("provenance by {} names no trusted source ({})", builder,
                                      uris.empty() ? "no source" : fmt::format("{}", uris[0])));
    }
  }
  r.err = r.details.empty() ? "no provenance attestation by a trusted builder attestor"
                            : "no provenance from a trusted source repository";
  return Ok{};
}

Status approved(Context& ctx, CheckResult& r) {
  auto stored = sign::fetch_signatures(*ctx.store, ctx.subject.digest);
  if (!stored) return stored.error();
  std::vector<std::string> missing;
  for (const auto& name : ctx.config.approved_attestors) {
    auto a = attestor(ctx, name);
    if (!a) return a.error();
    auto v = sign::check_signatures(*stored, a->keys, ctx.subject.digest, "");
    if (v.verified) {
      r.details.push_back(fmt::format("attested by {}", name));
    } else {
      missing.push_back(name);
    }
  }
  r.success = missing.empty() && !ctx.config.approved_attestors.empty();
  if (ctx.config.approved_attestors.empty()) r.err = "approved_attestors is empty";
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    r.err = "no attestation by " + list;
  }
  return Ok{};
}

Status policy_gate(Context& ctx, CheckResult& r) {
  PORTCULLIS_TRY(match(ctx));
  policy::Policy loaded;
  if (ctx.config.policy) {
    auto p = policy::load_policy(ctx.config.policy->string());
    if (!p) return p.error();
    loaded = std::move(*p);
  }
  const policy::Policy& pol = ctx.config.policy ? loaded : policy::default_policy();
  policy::EvaluationInput in;
  in.findings = ctx.matched->findings;
  in.inventory = ctx.scanned->inventory;
  in.db = ctx.db;
  auto verdict = policy::evaluate(pol, in);
  r.success = verdict.passed;
  for (const auto& rule : verdict.rules) {
    if (!rule.passed && rule.action == policy::Action::kStop) {
      r.details.push_back(
          fmt::format("{}: {}", rule.name, rule.reasons.empty() ? "failed" : rule.reasons[0]));
    }
  }
  if (!r.success) {
    r.err = fmt::format("policy {} failed: {} stop rule(s)", verdict.policy, r.details.size());
  }
  return Ok{};
}

// A Binary Authorization attestation by the check's key.
Status attest(Context& ctx, CheckResult& r) {
  auto key_config = ctx.config.keys.find(r.name);
  if (key_config == ctx.config.keys.end()) {
    return make_error(ErrorCode::kInvalidArgument, "no key for check {} in the configuration",
                      r.name);
  }
  auto key = sign::PrivateKey::from_file(key_config->second.path.string());
  if (!key) return key.error();
  sign::Algorithm algorithm = sign::default_algorithm(key->type());
  if (!key_config->second.algorithm.empty()) {
    auto a = sign::parse_algorithm(key_config->second.algorithm);
    if (!a) return a.error();
    PORTCULLIS_TRY(sign::check_fits(key->type(), *a));
    algorithm = *a;
  }
  sign::SimpleSigning payload;
  payload.type = std::string(sign::kBinauthzType);
  payload.docker_reference = ctx.name;
  payload.manifest_digest = ctx.subject.digest;
  payload.optional["voucher.check"] = r.name;
  std::string body = sign::make_payload(payload);
  auto signature = key->sign(body, algorithm);
  if (!signature) return signature.error();
  PORTCULLIS_TRY(sign::push_signature(*ctx.store, ctx.subject, body, *signature));
  r.attested = true;
  r.details.push_back("attested with " + key->public_key().id());
  return Ok{};
}

}  // namespace

Result<VouchResult> vouch(const VoucherConfig& config, const VouchRequest& request) {
  std::string text = request.image_url;
  if (text.starts_with("docker://")) text = text.substr(9);
  auto ref = oci::parse_reference(text);
  if (!ref) return ref.error();
  if (request.require_digest && !ref->digest) {
    return make_error(ErrorCode::kInvalidArgument,
                      "{}: image_url must name a digest (REF@sha256:...), not only a tag",
                      request.image_url);
  }
  http::RegistryClient client({ref->api_host(), ref->repository, request.username, request.password,
                               request.tls_verify, config.dryrun ? "pull" : "pull,push",
                               request.image_url});
  auto subject = sign::resolve_subject(client, *ref);
  if (!subject) return subject.error();
  Context ctx{config,   *ref,   ref->registry + "/" + ref->repository,
              *subject, client, sign::registry_store(client),
              {},       {},     {},
              {},       request};
  if (config.attestors) {
    auto text_file = read_file(*config.attestors);
    if (!text_file) return text_file.error();
    auto parsed = sign::parse_attestors(*text_file, config.attestors->string());
    if (!parsed) return parsed.error();
    ctx.attestor_file = std::move(*parsed);
  }
  using Check = Status (*)(Context&, CheckResult&);
  static const std::map<std::string, Check> kChecks = {
      {"snakeoil", snakeoil},     {"nobody", nobody},     {"diy", diy},
      {"provenance", provenance}, {"approved", approved}, {"policy", policy_gate}};
  VouchResult out;
  out.image = ctx.name + "@" + subject->digest;
  out.success = true;
  for (const auto& name : voucher_check_names()) {
    if (!wants(config, name)) continue;
    CheckResult r;
    r.name = name;
    if (auto ran = kChecks.at(name)(ctx, r); !ran) {
      r.success = false;
      r.err = ran.error().message();
    }
    if (r.success && !config.dryrun) {
      if (auto attested = attest(ctx, r); !attested) r.err = attested.error().message();
    }
    out.success = out.success && r.success;
    out.results.push_back(std::move(r));
  }
  return out;
}

nlohmann::json vouch_json(const VouchResult& result) {
  nlohmann::json results = nlohmann::json::array();
  for (const auto& r : result.results) {
    nlohmann::json j = {{"name", r.name}, {"success", r.success}, {"attested", r.attested}};
    if (!r.err.empty()) j["err"] = r.err;
    if (!r.details.empty()) j["details"] = r.details;
    results.push_back(std::move(j));
  }
  return {{"image", result.image}, {"success", result.success}, {"results", results}};
}

}  // namespace portcullis::pipeline
