// Secret detection over text: credentials with a known shape (AWS access keys, GitHub, GitLab
// and npm tokens, private keys) and generic credential assignments (PASSWORD=..., api_key: ...)
// whose value looks random. Matched values are only ever kept masked.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace portcullis::analyze {

struct SecretMatch {
  std::string rule;  // aws-access-key-id, aws-secret-access-key, github-token, gitlab-token,
                     // npm-token, private-key, generic-password
  int line = 0;      // 1-based
  std::string masked;
};

std::vector<SecretMatch> find_secrets(std::string_view text);

// The first four characters, then one '*' per remaining character (all masked when short).
std::string mask_secret(std::string_view value);

}  // namespace portcullis::analyze
