// portcullis key generate | id: signing keys as PEM files.
#include <cstdio>
#include <cstdlib>

#include "base/file.hpp"
#include "cli/commands.hpp"
#include "sign/keys.hpp"

namespace portcullis::cli {
namespace {

struct GenerateFlags {
  std::string type = "ecdsa-p256";
  std::string out;
};

int generate(const GenerateFlags& f) {
  auto type = sign::parse_key_type(f.type);
  if (!type) return report(type.error());
  std::string key_path = f.out + ".key";
  std::string pub_path = f.out + ".pub";
  std::error_code ec;
  for (const auto& p : {key_path, pub_path}) {
    if (std::filesystem::exists(p, ec)) {
      return report(make_error(ErrorCode::kInvalidArgument, "{} exists; not overwriting it", p));
    }
  }
  auto key = sign::PrivateKey::generate(*type);
  if (!key) return report(key.error());
  const char* password = std::getenv("PORTCULLIS_KEY_PASSWORD");
  auto pem = key->to_pem(password != nullptr ? password : "");
  if (!pem) return report(pem.error());
  auto pub = key->public_key().to_pem();
  if (!pub) return report(pub.error());
  if (auto s = write_file_atomic(key_path, *pem, 0600); !s) return report(s.error());
  if (auto s = write_file_atomic(pub_path, *pub, 0644); !s) return report(s.error());
  std::printf("private key: %s (%s)\npublic key:  %s\nkey id:      %s\nalgorithm:   %s\n",
              key_path.c_str(),
              password != nullptr && *password != '\0' ? "encrypted" : "NOT encrypted",
              pub_path.c_str(), key->public_key().id().c_str(),
              std::string(sign::algorithm_name(sign::default_algorithm(*type))).c_str());
  return kExitOk;
}

int key_id(const std::string& path) {
  auto text = read_file(path);
  if (!text) return report(make_error(ErrorCode::kInvalidArgument, "{}", text.error().what()));
  auto pub = sign::PublicKey::from_pem(*text, path);
  if (!pub) return report(pub.error());
  std::printf("%s\n", pub->id().c_str());
  return kExitOk;
}

}  // namespace

void register_key(CLI::App& app, Runner& run) {
  auto* cmd = app.add_subcommand("key", "Generate signing keys and print their ids");
  cmd->require_subcommand(1);
  auto f = std::make_shared<GenerateFlags>();
  auto* gen = cmd->add_subcommand(
      "generate",
      "Write NAME.key (PKCS#8, mode 0600, encrypted with $PORTCULLIS_KEY_PASSWORD) "
      "and NAME.pub (SubjectPublicKeyInfo)");
  gen->add_option("--type", f->type,
                  "ecdsa-p256 (default), ecdsa-p384, ecdsa-p521, rsa-2048, rsa-3072, rsa-4096, "
                  "ed25519");
  gen->add_option("--out", f->out, "NAME of the files to write")->required();
  gen->callback([f, &run] { run = [f] { return generate(*f); }; });
  auto path = std::make_shared<std::string>();
  auto* id = cmd->add_subcommand(
      "id", "Print a public key's id as Binary Authorization derives it (ni:///sha-256;...)");
  id->add_option("file", *path, "PEM public key")->required();
  id->callback([path, &run] { run = [path] { return key_id(*path); }; });
}

}  // namespace portcullis::cli
