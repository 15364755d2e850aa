// Attestation predicates of a scan (in-toto Statement v1 predicates, see docs/sign.md):
// - the verdict predicate (https://portcullis.dev/attestation/verdict/v1): policy name and
//   version, each rule's result, the overall result and the DB snapshot it was judged against;
// - cosign's vulnerability predicate (https://cosign.sigstore.dev/attestation/vuln/v1):
//   scanner, DB and the findings as `result`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "policy/evaluate.hpp"
#include "policy/policy.hpp"

namespace portcullis::policy {

struct ScanTimes {
  std::string started;  // RFC 3339
  std::string finished;
};

nlohmann::json verdict_predicate(const Policy& policy, const Verdict& verdict,
                                 const std::optional<vuln::DbMetadata>& db, const ScanTimes& times);

nlohmann::json vuln_predicate(const Verdict& verdict, const std::optional<vuln::DbMetadata>& db,
                              const std::string& scanner_version, const ScanTimes& times);

}  // namespace portcullis::policy
