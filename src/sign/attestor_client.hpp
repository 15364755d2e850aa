// The server's attestor API (served by `portcullis serve`, see docs/sign.md), from a client:
//   GET    /portcullis/v1/attestors                      list
//   GET    /portcullis/v1/attestors/NAME                 one
//   POST   /portcullis/v1/attestors                      create (admin)
//   POST   /portcullis/v1/attestors/NAME/publicKeys      add a key (admin)
//   DELETE /portcullis/v1/attestors/NAME                 delete (admin)
// Bodies are Binary Authorization's REST shapes (Attestor, AttestorPublicKey).
#pragma once

#include <string>
#include <vector>

#include "http/registry_client.hpp"
#include "sign/attestor.hpp"

namespace portcullis::sign {

inline constexpr std::string_view kAttestorApi = "/portcullis/v1/attestors";

Result<std::vector<Attestor>> list_attestors(http::RegistryClient& client);
Result<Attestor> get_attestor(http::RegistryClient& client, std::string_view name);
Status create_attestor(http::RegistryClient& client, const Attestor& attestor);
Result<Attestor> add_attestor_key(http::RegistryClient& client, std::string_view name,
                                  const AttestorKey& key);
Status delete_attestor(http::RegistryClient& client, std::string_view name);

// The REST AttestorPublicKey shape of one key.
nlohmann::json attestor_key_to_json(const AttestorKey& key);

}  // namespace portcullis::sign
