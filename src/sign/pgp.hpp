// OpenPGP signatures through GPGME, in the form containers/image uses for simple signing (and
// `skopeo standalone-sign` writes): the payload inside a signed OpenPGP message (not detached,
// not armored), keys from the user's GnuPG keyring or a given home directory.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace portcullis::sign {

// The signed message for `payload`, made with the secret key `fingerprint`.
Result<std::string> pgp_sign(std::string_view payload, std::string_view fingerprint,
                             const std::string& gpg_home);

struct PgpVerified {
  std::string payload;      // the signed content
  std::string fingerprint;  // of the key that made the valid signature
};

// Checks a signed message; errors when no signature in it is valid (naming why), or when
// `fingerprint` is given and the valid signature is by another key.
Result<PgpVerified> pgp_verify(std::string_view message, std::string_view fingerprint,
                               const std::string& gpg_home);

// Imports armored public keys into the keyring of `gpg_home`; their fingerprints.
Result<std::vector<std::string>> pgp_import(std::string_view armored_key,
                                            const std::string& gpg_home);

}  // namespace portcullis::sign
