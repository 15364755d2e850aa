// Keys over OpenSSL 3's EVP API.
#include "sign/keys.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <array>
#include <cstdlib>

#include "base/digest.hpp"
#include "base/encoding.hpp"
#include "base/file.hpp"

namespace portcullis::sign {

struct PrivateKey::Handle {
  EVP_PKEY* pkey = nullptr;
  ~Handle() { EVP_PKEY_free(pkey); }
};

namespace {

using Handle = PrivateKey::Handle;

std::string openssl_error() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  return buffer;
}

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using UniqueBio = std::unique_ptr<BIO, BioDeleter>;

struct CtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

constexpr std::array<std::pair<std::string_view, KeyType>, 7> kTypes = {{
    {"ecdsa-p256", KeyType::kEcdsaP256},
    {"ecdsa-p384", KeyType::kEcdsaP384},
    {"ecdsa-p521", KeyType::kEcdsaP521},
    {"rsa-2048", KeyType::kRsa2048},
    {"rsa-3072", KeyType::kRsa3072},
    {"rsa-4096", KeyType::kRsa4096},
    {"ed25519", KeyType::kEd25519},
}};

struct AlgorithmInfo {
  std::string_view name;
  std::string_view alias;
  Algorithm algorithm;
  KeyType key;  // for RSA, the modulus size it requires
  const char* digest;
  bool pss;
};

const std::array<AlgorithmInfo, 12> kAlgorithms = {{
    {"ECDSA_P256_SHA256", "EC_SIGN_P256_SHA256", Algorithm::kEcdsaP256Sha256, KeyType::kEcdsaP256,
     "SHA256", false},
    {"ECDSA_P384_SHA384", "EC_SIGN_P384_SHA384", Algorithm::kEcdsaP384Sha384, KeyType::kEcdsaP384,
     "SHA384", false},
    {"ECDSA_P521_SHA512", "EC_SIGN_P521_SHA512", Algorithm::kEcdsaP521Sha512, KeyType::kEcdsaP521,
     "SHA512", false},
    {"RSA_PSS_2048_SHA256", "RSA_SIGN_PSS_2048_SHA256", Algorithm::kRsaPss2048Sha256,
     KeyType::kRsa2048, "SHA256", true},
    {"RSA_PSS_3072_SHA256", "RSA_SIGN_PSS_3072_SHA256", Algorithm::kRsaPss3072Sha256,
     KeyType::kRsa3072, "SHA256", true},
    {"RSA_PSS_4096_SHA256", "RSA_SIGN_PSS_4096_SHA256", Algorithm::kRsaPss4096Sha256,
     KeyType::kRsa4096, "SHA256", true},
    {"RSA_PSS_4096_SHA512", "RSA_SIGN_PSS_4096_SHA512", Algorithm::kRsaPss4096Sha512,
     KeyType::kRsa4096, "SHA512", true},
    {"RSA_SIGN_PKCS1_2048_SHA256", "", Algorithm::kRsaPkcs1_2048Sha256, KeyType::kRsa2048, "SHA256",
     false},
    {"RSA_SIGN_PKCS1_3072_SHA256", "", Algorithm::kRsaPkcs1_3072Sha256, KeyType::kRsa3072, "SHA256",
     false},
    {"RSA_SIGN_PKCS1_4096_SHA256", "", Algorithm::kRsaPkcs1_4096Sha256, KeyType::kRsa4096, "SHA256",
     false},
    {"RSA_SIGN_PKCS1_4096_SHA512", "", Algorithm::kRsaPkcs1_4096Sha512, KeyType::kRsa4096, "SHA512",
     false},
    {"ED25519", "", Algorithm::kEd25519, KeyType::kEd25519, nullptr, false},
}};

const AlgorithmInfo& info(Algorithm a) {
  for (const auto& i : kAlgorithms) {
    if (i.algorithm == a) return i;
  }
  return kAlgorithms.front();
}

// The key type of a loaded key (curve, or modulus size), or an error for anything else.
Result<KeyType> type_of(EVP_PKEY* pkey, std::string_view name) {
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_ED25519:
      return KeyType::kEd25519;
    case EVP_PKEY_RSA:
      switch (EVP_PKEY_get_bits(pkey)) {
        case 2048:
          return KeyType::kRsa2048;
        case 3072:
          return KeyType::kRsa3072;
        case 4096:
          return KeyType::kRsa4096;
        default:
          return make_error(ErrorCode::kInvalidArgument,
                            "{}: RSA keys of {} bits are not supported (2048, 3072 or 4096)", name,
                            EVP_PKEY_get_bits(pkey));
      }
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t len = 0;
      EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), &len);
      std::string_view g(group, len);
      if (g == "prime256v1" || g == "P-256") return KeyType::kEcdsaP256;
      if (g == "secp384r1" || g == "P-384") return KeyType::kEcdsaP384;
      if (g == "secp521r1" || g == "P-521") return KeyType::kEcdsaP521;
      return make_error(ErrorCode::kInvalidArgument, "{}: EC curve {} is not supported", name, g);
    }
    default:
      return make_error(ErrorCode::kInvalidArgument,
                        "{}: not an ECDSA (P-256/384/521), RSA or Ed25519 key", name);
  }
}

// Sets up a sign or verify context with the algorithm's digest and padding.
Status init(EVP_MD_CTX* ctx, EVP_PKEY* pkey, Algorithm a, bool signing) {
  const auto& i = info(a);
  EVP_PKEY_CTX* pctx = nullptr;
  int rc = signing ? EVP_DigestSignInit_ex(ctx, &pctx, i.digest, nullptr, nullptr, pkey, nullptr)
                   : EVP_DigestVerifyInit_ex(ctx, &pctx, i.digest, nullptr, nullptr, pkey, nullptr);
  if (rc != 1) return make_error(ErrorCode::kInternal, "{}: {}", i.name, openssl_error());
  if (i.pss) {
    // RSASSA-PSS with MGF1 over the same digest and a salt as long as the digest (Tink, KMS).
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
      return make_error(ErrorCode::kInternal, "{}: {}", i.name, openssl_error());
    }
  } else if (i.key == KeyType::kRsa2048 || i.key == KeyType::kRsa3072 ||
             i.key == KeyType::kRsa4096) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
      return make_error(ErrorCode::kInternal, "{}: {}", i.name, openssl_error());
    }
  }
  return Ok{};
}

}  // namespace

Result<KeyType> parse_key_type(std::string_view name) {
  for (const auto& [n, t] : kTypes) {
    if (n == name) return t;
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "key type \"{}\" is not one of ecdsa-p256, ecdsa-p384, ecdsa-p521, rsa-2048, "
                    "rsa-3072, rsa-4096, ed25519",
                    name);
}

std::string_view key_type_name(KeyType type) {
  for (const auto& [n, t] : kTypes) {
    if (t == type) return n;
  }
  return "?";
}

Result<Algorithm> parse_algorithm(std::string_view name) {
  for (const auto& i : kAlgorithms) {
    if (i.name == name || (!i.alias.empty() && i.alias == name)) return i.algorithm;
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "signature algorithm \"{}\" is not one of Binary Authorization's "
                    "(ECDSA_P256_SHA256, RSA_PSS_2048_SHA256, RSA_SIGN_PKCS1_4096_SHA512, ...) "
                    "or ED25519",
                    name);
}

std::string_view algorithm_name(Algorithm algorithm) { return info(algorithm).name; }

Status check_fits(KeyType key, Algorithm a) {
  if (info(a).key != key) {
    return make_error(ErrorCode::kInvalidArgument, "signature algorithm {} does not fit a {} key",
                      info(a).name, key_type_name(key));
  }
  return Ok{};
}

Algorithm default_algorithm(KeyType type) {
  switch (type) {
    case KeyType::kEcdsaP256:
      return Algorithm::kEcdsaP256Sha256;
    case KeyType::kEcdsaP384:
      return Algorithm::kEcdsaP384Sha384;
    case KeyType::kEcdsaP521:
      return Algorithm::kEcdsaP521Sha512;
    case KeyType::kRsa2048:
      return Algorithm::kRsaPss2048Sha256;
    case KeyType::kRsa3072:
      return Algorithm::kRsaPss3072Sha256;
    case KeyType::kRsa4096:
      return Algorithm::kRsaPss4096Sha256;
    case KeyType::kEd25519:
      return Algorithm::kEd25519;
  }
  return Algorithm::kEcdsaP256Sha256;
}

Result<PrivateKey> PrivateKey::generate(KeyType type) {
  auto h = std::make_shared<Handle>();
  switch (type) {
    case KeyType::kEcdsaP256:
      h->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::kEcdsaP384:
      h->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
      break;
    case KeyType::kEcdsaP521:
      h->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
      break;
    case KeyType::kRsa2048:
      h->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
      break;
    case KeyType::kRsa3072:
      h->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{3072});
      break;
    case KeyType::kRsa4096:
      h->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{4096});
      break;
    case KeyType::kEd25519:
      h->pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  if (h->pkey == nullptr) {
    return make_error(ErrorCode::kInternal, "generate {} key: {}", key_type_name(type),
                      openssl_error());
  }
  return PrivateKey(std::move(h), type);
}

Result<PrivateKey> PrivateKey::from_file(const std::string& path) {
  auto text = read_file(path);
  if (!text) return make_error(ErrorCode::kInvalidArgument, "{}", text.error().what());
  const char* password = std::getenv("PORTCULLIS_KEY_PASSWORD");
  return from_pem(*text, password != nullptr ? password : "", path);
}

Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, std::string_view password,
                                        std::string_view name) {
  UniqueBio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::string pass(password);
  auto h = std::make_shared<Handle>();
  h->pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, pass.data());
  if (h->pkey == nullptr) {
    bool encrypted = pem.find("ENCRYPTED PRIVATE KEY") != std::string_view::npos;
    std::string why = openssl_error();
    if (encrypted) {
      return make_error(ErrorCode::kInvalidArgument,
                        "{}: cannot decrypt the private key (set PORTCULLIS_KEY_PASSWORD to its "
                        "password): {}",
                        name, why);
    }
    return make_error(ErrorCode::kInvalidArgument, "{}: not a PEM private key: {}", name, why);
  }
  auto type = type_of(h->pkey, name);
  if (!type) return type.error();
  return PrivateKey(std::move(h), *type);
}

Result<std::string> PrivateKey::to_pem(std::string_view password) const {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  std::string pass(password);
  int rc = password.empty() ? PEM_write_bio_PKCS8PrivateKey(bio.get(), key_->pkey, nullptr, nullptr,
                                                            0, nullptr, nullptr)
                            : PEM_write_bio_PKCS8PrivateKey(
                                  bio.get(), key_->pkey, EVP_aes_256_cbc(), pass.data(),
                                  static_cast<int>(pass.size()), nullptr, nullptr);
  if (rc != 1) return make_error(ErrorCode::kInternal, "write private key: {}", openssl_error());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

PublicKey PrivateKey::public_key() const { return PublicKey(key_, type_); }

Result<std::string> PrivateKey::sign(std::string_view data, Algorithm algorithm) const {
  PORTCULLIS_TRY(check_fits(type_, algorithm));
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  PORTCULLIS_TRY(init(ctx.get(), key_->pkey, algorithm, true));
  size_t len = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, bytes, data.size()) != 1) {
    return make_error(ErrorCode::kInternal, "sign: {}", openssl_error());
  }
  std::string out(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, bytes,
                     data.size()) != 1) {
    return make_error(ErrorCode::kInternal, "sign: {}", openssl_error());
  }
  out.resize(len);
  return out;
}

Result<PublicKey> PublicKey::from_pem(std::string_view pem, std::string_view name) {
  UniqueBio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  auto h = std::make_shared<Handle>();
  h->pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (h->pkey == nullptr) {
    return make_error(ErrorCode::kInvalidArgument, "{}: not a PEM public key: {}", name,
                      openssl_error());
  }
  auto type = type_of(h->pkey, name);
  if (!type) return type.error();
  return PublicKey(std::move(h), *type);
}

Result<std::string> PublicKey::to_pem() const {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(bio.get(), key_->pkey) != 1) {
    return make_error(ErrorCode::kInternal, "write public key: {}", openssl_error());
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string PublicKey::id() const {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key_->pkey, &der);
  std::string bytes(reinterpret_cast<const char*>(der), len > 0 ? static_cast<size_t>(len) : 0);
  OPENSSL_free(der);
  auto digest = digest_of(bytes);
  std::string raw;
  for (size_t i = 0; i + 1 < digest.hex().size(); i += 2) {
    raw += static_cast<char>(std::stoi(digest.hex().substr(i, 2), nullptr, 16));
  }
  return "ni:///sha-256;" + base64url_encode(raw);
}

Status PublicKey::verify(std::string_view data, std::string_view signature,
                         Algorithm algorithm) const {
  PORTCULLIS_TRY(check_fits(type_, algorithm));
  std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  PORTCULLIS_TRY(init(ctx.get(), key_->pkey, algorithm, false));
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
  ERR_clear_error();
  if (rc != 1) {
    return make_error(ErrorCode::kPermissionDenied, "bad signature: not made by key {} with {}",
                      id(), algorithm_name(algorithm));
  }
  return Ok{};
}

}  // namespace portcullis::sign
