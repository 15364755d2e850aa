// Signatures created and verified per second for every algorithm, over a simple-signing payload
// of the usual size, on one core. Prints a table; used by bench/sign.sh.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "sign/keys.hpp"
#include "sign/payload.hpp"

using portcullis::sign::Algorithm;
using portcullis::sign::KeyType;
using portcullis::sign::PrivateKey;

namespace {

double per_second(const std::function<void()>& fn, double seconds) {
  auto start = std::chrono::steady_clock::now();
  long n = 0;
  double elapsed = 0;
  do {
    fn();
    ++n;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (elapsed < seconds);
  return static_cast<double>(n) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::stod(argv[1]) : 1.0;
  portcullis::sign::SimpleSigning p;
  p.docker_reference = "registry.example/team/app:1.2.3";
  p.manifest_digest = "sha256:" + std::string(64, 'a');
  std::string payload = portcullis::sign::make_payload(p);
  struct Case {
    KeyType type;
    Algorithm algorithm;
  };
  const Case cases[] = {
      {KeyType::kEcdsaP256, Algorithm::kEcdsaP256Sha256},
      {KeyType::kEcdsaP384, Algorithm::kEcdsaP384Sha384},
      {KeyType::kEcdsaP521, Algorithm::kEcdsaP521Sha512},
      {KeyType::kRsa2048, Algorithm::kRsaPss2048Sha256},
      {KeyType::kRsa2048, Algorithm::kRsaPkcs1_2048Sha256},
      {KeyType::kRsa3072, Algorithm::kRsaPss3072Sha256},
      {KeyType::kRsa4096, Algorithm::kRsaPss4096Sha512},
      {KeyType::kRsa4096, Algorithm::kRsaPkcs1_4096Sha256},
      {KeyType::kEd25519, Algorithm::kEd25519},
  };
  std::printf("%-28s %14s %14s\n", "algorithm", "sign/s", "verify/s");
  for (const auto& c : cases) {
    auto key = PrivateKey::generate(c.type);
    if (!key) return 1;
    auto pub = key->public_key();
    auto sig = key->sign(payload, c.algorithm);
    if (!sig || !pub.verify(payload, *sig, c.algorithm)) return 1;
    double s = per_second([&] { (void)key->sign(payload, c.algorithm); }, seconds);
    double v = per_second([&] { (void)pub.verify(payload, *sig, c.algorithm); }, seconds);
    std::printf("%-28s %14.0f %14.0f\n",
                std::string(portcullis::sign::algorithm_name(c.algorithm)).c_str(), s, v);
  }
  return 0;
}
