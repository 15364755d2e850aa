// Promotion: when a scanned image satisfies a rule, the rule's Voucher checks run (and attest),
// then the image is copied into the target repository (blobs mounted) with its signatures and
// attestations, and the promotion is recorded; otherwise the refusal and its reasons are.
#include <fmt/ranges.h>

#include "admit/name_pattern.hpp"
#include "analyze/inventory_json.hpp"
#include "base/log.hpp"
#include "pipeline/copy.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/scan_summary.hpp"

namespace portcullis::pipeline {
namespace {

void replace_all(std::string& text, std::string_view what, std::string_view with) {
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + with.size()))
    text.replace(at, what.size(), with);
}

std::string target_of(const std::string& to, const std::string& repository,
                      const std::string& tag) {
  std::string out = to;
  auto slash = repository.find('/');
  replace_all(out, "{repository}", repository);
  replace_all(out, "{path}",
              slash == std::string::npos ? repository : repository.substr(slash + 1));
  replace_all(out, "{tag}", tag);
  return out;
}

std::pair<std::string, std::string> split_target(const std::string& target) {
  auto colon = target.rfind(':');
  if (colon == std::string::npos || target.find('/', colon) != std::string::npos)
    return {target, ""};
  return {target.substr(0, colon), target.substr(colon + 1)};
}

}  // namespace

std::vector<std::string> Pipeline::unmet_conditions(const PromotionRule& rule,
                                                    const ScanRecord& scan,
                                                    const std::string& repository,
                                                    const std::string& digest) {
  std::vector<std::string> reasons;
  const auto& w = rule.when;
  const char* counts = w.fixable_only ? "fixable" : "vulnerabilities";
  for (const auto& [severity, limit] : w.max) {
    std::string name(policy::severity_name(severity));
    int n = scan.summary.contains(counts) ? scan.summary[counts].value(name, 0) : 0;
    if (n > limit) {
      reasons.push_back(fmt::format("{} {}{} finding(s), at most {} allowed", n,
                                    w.fixable_only ? "fixable " : "", name, limit));
    }
  }
  if (w.policy) {
    auto inventory = analyze::inventory_from(scan.inventory);
    const auto& scanning = options_.config.scanning;
    auto db = vuln::Database::open(scanning.db ? *scanning.db : vuln::default_db_path());
    if (!inventory || !db) {
      reasons.push_back(fmt::format("policy {} could not be evaluated: {}", *w.policy,
                                    !inventory ? inventory.error().what() : db.error().what()));
    } else {
      auto evaluated = evaluate_scan(*inventory, **db, scanning, *w.policy);
      if (!evaluated) {
        reasons.push_back(evaluated.error().what());
      } else if (!evaluated->passed) {
        reasons.push_back(fmt::format("scan policy {} failed: {}", *w.policy, evaluated->reason));
      }
    }
  }
  for (const auto& missing : missing_attestations(repository, digest, w.attestations)) {
    reasons.push_back("no verifying attestation by " + missing);
  }
  return reasons;
}

PromotionResult Pipeline::promote_with(const PromotionRule* rule, const std::string& repository,
                                       const std::string& digest, const std::string& tag,
                                       const std::string& target, const std::string& user,
                                       bool force) {
  PromotionResult result;
  result.rule = rule != nullptr ? rule->name : "";
  result.source = repository + "@" + digest;
  result.target = target;
  auto [target_repository, target_tag] = split_target(target);
  std::vector<std::string> reasons;
  nlohmann::json detail = {{"source", result.source}, {"target", target}, {"force", force}};
  if (!force && rule != nullptr) {
    auto scan = store_->scan(repository, digest);
    if (!scan || !*scan) {
      reasons.push_back(fmt::format("{} has no scan result", result.source));
    } else if ((*scan)->status != "completed") {
      reasons.push_back(
          fmt::format("the scan of {} did not complete: {}", result.source, (*scan)->error));
    } else {
      reasons = unmet_conditions(*rule, **scan, repository, digest);
      detail["scan"] = (*scan)->summary;
    }
    if (reasons.empty() && !rule->when.checks.empty()) {
      if (!options_.voucher) {
        reasons.emplace_back("the rule names checks but the server has no vouch.config");
      } else {
        VoucherConfig config = *options_.voucher;
        config.checks = rule->when.checks;
        if (!config.cache_dir && options_.config.scanning.layer_cache)
          config.cache_dir = options_.config.scanning.cache_dir;
        auto vouched = vouch(config, VouchRequest{self_host_ + "/" + repository + "@" + digest,
                                                  true, service_user_, service_password_, false});
        if (!vouched) {
          reasons.push_back("checks could not run: " + vouched.error().what());
        } else {
          detail["checks"] = vouch_json(*vouched)["results"];
          for (const auto& c : vouched->results) {
            if (!c.success) {
              reasons.push_back(fmt::format("check {} failed: {}", c.name, c.err));
            } else if (!c.attested && !config.dryrun) {
              reasons.push_back(
                  fmt::format("check {} passed but was not attested: {}", c.name, c.err));
            }
          }
        }
      }
    }
  }
  if (reasons.empty()) {
    auto copied = copy_local(local_, repository, digest, target_repository, target_tag, user);
    if (!copied) reasons.push_back(copied.error().what());
  }
  result.reasons = reasons;
  result.promoted = reasons.empty();
  (result.promoted ? metrics_.promotions : metrics_.promotions_refused).fetch_add(1);
  detail["reasons"] = reasons;
  record(Event{0, 0, result.promoted ? "promotion" : "promotion_refused", user, repository, digest,
               tag, result.rule, result.promoted ? (force ? "override" : "promoted") : "refused",
               result.promoted ? (force ? "manual override: rule conditions not checked"
                                        : "every condition held")
                               : fmt::format("{}", fmt::join(reasons, "; ")),
               "", detail});
  log::info(result.promoted ? "promoted" : "promotion refused",
            {{"source", result.source},
             {"target", target},
             {"reasons", fmt::format("{}", fmt::join(reasons, "; "))}});
  if (result.promoted) push_mirror(target_repository, digest, target_tag);
  return result;
}

void Pipeline::after_scan(const ScanJob& job) {
  if (!job.tag.empty()) {
    std::string reference = job.repository + ":" + job.tag;
    for (const auto& rule : options_.config.promotions) {
      if (!admit::name_pattern_matches(rule.from, reference)) continue;
      promote_with(&rule, job.repository, job.digest, job.tag,
                   target_of(rule.to, job.repository, job.tag), "portcullis", false);
    }
  }
  if (auto done = store_->finish_job(job.id); !done) {
    log::error("scan job not finished", {{"job", job.id}, {"error", done.error().what()}});
  }
}

Result<PromotionResult> Pipeline::promote(const PromoteRequest& request) {
  std::string digest = request.reference;
  std::string tag;
  if (request.reference.find(':') == std::string::npos) {
    tag = request.reference;
    auto resolved = local_.metadata.resolve_tag(request.source_repository, tag);
    if (!resolved) return resolved.error();
    if (!*resolved) {
      return make_error(ErrorCode::kNotFound, "{}:{} does not exist", request.source_repository,
                        tag);
    }
    digest = **resolved;
  } else {
    auto present = local_.metadata.get_manifest(request.source_repository, digest);
    if (!present) return present.error();
    if (!*present) {
      return make_error(ErrorCode::kNotFound, "{}@{} does not exist", request.source_repository,
                        digest);
    }
  }
  const PromotionRule* rule = nullptr;
  std::string reference = request.source_repository + (tag.empty() ? "@" + digest : ":" + tag);
  for (const auto& r : options_.config.promotions) {
    if (admit::name_pattern_matches(r.from, reference)) {
      rule = &r;
      break;
    }
  }
  std::string target = request.target;
  if (target.empty()) {
    if (rule == nullptr) {
      return make_error(ErrorCode::kInvalidArgument,
                        "no promotion rule matches {}: name the target", reference);
    }
    if (tag.empty() && rule->to.find("{tag}") != std::string::npos) {
      return make_error(ErrorCode::kInvalidArgument,
                        "rule {} needs a tag for its target {}: name the source by tag or the "
                        "target",
                        rule->name, rule->to);
    }
    target = target_of(rule->to, request.source_repository, tag);
  }
  if (rule == nullptr && !request.force) {
    return make_error(ErrorCode::kInvalidArgument,
                      "no promotion rule matches {}: promoting it is a manual override (force)",
                      reference);
  }
  return promote_with(rule, request.source_repository, digest, tag, target, request.user,
                      request.force);
}

}  // namespace portcullis::pipeline
