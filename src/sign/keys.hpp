// Signing keys: generation of every key type, PKCS#8 / SubjectPublicKeyInfo PEM files, Binary
// Authorization's signature algorithm names, sign and verify, and the key id Binary
// Authorization derives for PKIX keys (an RFC 6920 "ni" URI of the DER public key's SHA-256).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace portcullis::sign {

enum class KeyType { kEcdsaP256, kEcdsaP384, kEcdsaP521, kRsa2048, kRsa3072, kRsa4096, kEd25519 };

// "ecdsa-p256", ..., "rsa-4096", "ed25519".
Result<KeyType> parse_key_type(std::string_view name);
std::string_view key_type_name(KeyType type);

// Binary Authorization's PkixPublicKey.SignatureAlgorithm values (and ED25519, which Binary
// Authorization does not list; cosign and Sigstore use it).
enum class Algorithm {
  kEcdsaP256Sha256,
  kEcdsaP384Sha384,
  kEcdsaP521Sha512,
  kRsaPss2048Sha256,
  kRsaPss3072Sha256,
  kRsaPss4096Sha256,
  kRsaPss4096Sha512,
  kRsaPkcs1_2048Sha256,
  kRsaPkcs1_3072Sha256,
  kRsaPkcs1_4096Sha256,
  kRsaPkcs1_4096Sha512,
  kEd25519,
};

// "ECDSA_P256_SHA256", also the aliases EC_SIGN_P256_SHA256, RSA_SIGN_PSS_2048_SHA256, ...
Result<Algorithm> parse_algorithm(std::string_view name);
std::string_view algorithm_name(Algorithm algorithm);
// The algorithm a key of this type signs with unless told otherwise.
Algorithm default_algorithm(KeyType type);
// Ok when the algorithm can be used with a key of this type (curve, modulus size).
Status check_fits(KeyType key, Algorithm algorithm);

class PublicKey;

class PrivateKey {
 public:
  static Result<PrivateKey> generate(KeyType type);
  // PKCS#8 PEM, encrypted ("ENCRYPTED PRIVATE KEY") when a password is given.
  static Result<PrivateKey> from_pem(std::string_view pem, std::string_view password,
                                     std::string_view name);
  // A PEM file, decrypted with $PORTCULLIS_KEY_PASSWORD when it is encrypted; an unreadable file
  // is kInvalidArgument naming it.
  static Result<PrivateKey> from_file(const std::string& path);
  Result<std::string> to_pem(std::string_view password) const;
  KeyType type() const { return type_; }
  PublicKey public_key() const;
  // The signature over `data`; errors when the algorithm does not fit the key.
  Result<std::string> sign(std::string_view data, Algorithm algorithm) const;

  struct Handle;

 private:
  PrivateKey(std::shared_ptr<Handle> key, KeyType type) : key_(std::move(key)), type_(type) {}
  std::shared_ptr<Handle> key_;
  KeyType type_;
};

class PublicKey {
 public:
  // SubjectPublicKeyInfo PEM ("PUBLIC KEY").
  static Result<PublicKey> from_pem(std::string_view pem, std::string_view name);
  Result<std::string> to_pem() const;
  KeyType type() const { return type_; }
  // "ni:///sha-256;<base64url of SHA-256(DER SubjectPublicKeyInfo)>".
  std::string id() const;
  // Ok when `signature` is a valid signature of `data` under this key and algorithm.
  Status verify(std::string_view data, std::string_view signature, Algorithm algorithm) const;

 private:
  friend class PrivateKey;
  PublicKey(std::shared_ptr<PrivateKey::Handle> key, KeyType type)
      : key_(std::move(key)), type_(type) {}
  std::shared_ptr<PrivateKey::Handle> key_;
  KeyType type_;
};

}  // namespace portcullis::sign
