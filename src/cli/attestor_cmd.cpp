// portcullis attestor create|add-key|list|delete: attestors kept by a portcullis server, through
// its attestor API (admins change them; any user lists them).
#include <cstdio>

#include "base/file.hpp"
#include "base/json_text.hpp"
#include "cli/commands.hpp"
#include "cli/sign_target.hpp"
#include "sign/attestor_client.hpp"

namespace portcullis::cli {
namespace {

struct AttestorFlags {
  std::string server;
  std::string creds;
  bool tls_verify = true;
  std::string name;
  std::string file;
  std::string note_reference;
  std::string description;
  std::string key;
  std::string pgp_key;
  std::string algorithm;
  std::string id;
  std::string comment;
  std::string format = "table";
};

Result<std::unique_ptr<http::RegistryClient>> client(const AttestorFlags& f) {
  return server_client(f.server, f.creds, f.tls_verify);
}

// --key PEM [--algorithm] or --pgp-key FILE, as an attestor key.
Result<std::optional<sign::AttestorKey>> key_from_flags(const AttestorFlags& f) {
  if (!f.key.empty() && !f.pgp_key.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "give --key or --pgp-key, not both");
  }
  if (f.key.empty() && f.pgp_key.empty()) return std::optional<sign::AttestorKey>();
  auto text = read_file(f.key.empty() ? f.pgp_key : f.key);
  if (!text) return make_error(ErrorCode::kInvalidArgument, "{}", text.error().what());
  auto key = f.key.empty() ? sign::make_pgp_key(*text, f.id, f.pgp_key)
                           : sign::make_pkix_key(*text, f.algorithm, f.id, f.key);
  if (!key) return key.error();
  key->comment = f.comment;
  return std::optional<sign::AttestorKey>(std::move(*key));
}

int create(const AttestorFlags& f) {
  sign::Attestor a;
  if (!f.file.empty()) {
    auto text = read_file(f.file);
    if (!text) return report(make_error(ErrorCode::kInvalidArgument, "{}", text.error().what()));
    auto parsed = sign::parse_attestors(*text, f.file);
    if (!parsed) return report(parsed.error());
    if (parsed->size() != 1) {
      return report(make_error(ErrorCode::kInvalidArgument, "{}: holds {} attestors, give one",
                               f.file, parsed->size()));
    }
    a = std::move(parsed->front());
  } else {
    if (f.name.empty()) {
      return report(make_error(ErrorCode::kInvalidArgument, "give NAME or --file FILE"));
    }
    a.name = f.name;
    a.note_reference = f.note_reference;
    a.description = f.description;
    auto key = key_from_flags(f);
    if (!key) return report(key.error());
    if (*key) a.keys.push_back(std::move(**key));
  }
  auto c = client(f);
  if (!c) return report(c.error());
  if (auto s = sign::create_attestor(**c, a); !s) return report(s.error());
  std::printf("created attestor %s with %zu key(s)\n", a.short_name().c_str(), a.keys.size());
  return kExitOk;
}

int add_key(const AttestorFlags& f) {
  auto key = key_from_flags(f);
  if (!key) return report(key.error());
  if (!*key) return report(make_error(ErrorCode::kInvalidArgument, "give --key or --pgp-key"));
  auto c = client(f);
  if (!c) return report(c.error());
  auto a = sign::add_attestor_key(**c, f.name, **key);
  if (!a) return report(a.error());
  std::printf("added key %s to attestor %s (%zu key(s))\n", (*key)->id.c_str(), f.name.c_str(),
              a->keys.size());
  return kExitOk;
}

int list(const AttestorFlags& f) {
  if (f.format != "table" && f.format != "json") {
    return report(
        make_error(ErrorCode::kInvalidArgument, "--format {}: use table or json", f.format));
  }
  auto c = client(f);
  if (!c) return report(c.error());
  auto all = sign::list_attestors(**c);
  if (!all) return report(all.error());
  if (f.format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& a : *all) out.push_back(sign::attestor_to_json(a));
    std::printf("%s\n", to_json_text({{"attestors", out}}, 2).c_str());
    return kExitOk;
  }
  std::printf("%-24s %-40s %s\n", "NAME", "NOTE", "KEYS");
  for (const auto& a : *all) {
    std::string keys;
    for (const auto& k : a.keys) {
      keys += (keys.empty() ? "" : ", ") + k.id + " (" +
              (k.pkix ? std::string(sign::algorithm_name(k.algorithm)) : "OpenPGP") + ")";
    }
    std::printf("%-24s %-40s %s\n", a.short_name().c_str(), a.note_reference.c_str(), keys.c_str());
  }
  return kExitOk;
}

int remove(const AttestorFlags& f) {
  auto c = client(f);
  if (!c) return report(c.error());
  if (auto s = sign::delete_attestor(**c, f.name); !s) return report(s.error());
  std::printf("deleted attestor %s\n", f.name.c_str());
  return kExitOk;
}

void add_server(CLI::App* cmd, AttestorFlags& f) {
  cmd->add_option("--server", f.server, "The portcullis server, HOST[:PORT]")
      ->required()
      ->envname("PORTCULLIS_SERVER");
  cmd->add_option("--creds", f.creds, "USER:PASSWORD (default: docker/containers auth files)");
  cmd->add_option("--tls-verify", f.tls_verify,
                  "Verify TLS (default true); false allows a plain-HTTP server");
}

void add_key_flags(CLI::App* cmd, AttestorFlags& f) {
  cmd->add_option("--key", f.key, "PKIX public key PEM file");
  cmd->add_option("--algorithm", f.algorithm,
                  "signatureAlgorithm for --key (default: the key type's)");
  cmd->add_option("--pgp-key", f.pgp_key, "ASCII-armored OpenPGP public key file");
  cmd->add_option("--id", f.id, "Key id (default: derived as Binary Authorization does)");
  cmd->add_option("--comment", f.comment, "Key comment");
}

}  // namespace

void register_attestor(CLI::App& app, Runner& run) {
  auto* cmd = app.add_subcommand("attestor", "Manage the attestors a portcullis server keeps");
  cmd->require_subcommand(1);

  auto c = std::make_shared<AttestorFlags>();
  auto* create_cmd = cmd->add_subcommand("create", "Create an attestor (admin)");
  add_server(create_cmd, *c);
  create_cmd->add_option("name", c->name, "Attestor name");
  create_cmd->add_option("--file", c->file,
                         "The attestor as YAML/JSON (Binary Authorization's shape)");
  create_cmd->add_option("--note-reference", c->note_reference, "projects/P/notes/N");
  create_cmd->add_option("--description", c->description, "Description");
  add_key_flags(create_cmd, *c);
  create_cmd->callback([c, &run] { run = [c] { return create(*c); }; });

  auto k = std::make_shared<AttestorFlags>();
  auto* key_cmd = cmd->add_subcommand("add-key", "Add a public key to an attestor (admin)");
  add_server(key_cmd, *k);
  key_cmd->add_option("name", k->name, "Attestor name")->required();
  add_key_flags(key_cmd, *k);
  key_cmd->callback([k, &run] { run = [k] { return add_key(*k); }; });

  auto l = std::make_shared<AttestorFlags>();
  auto* list_cmd = cmd->add_subcommand("list", "List attestors");
  add_server(list_cmd, *l);
  list_cmd->add_option("--format", l->format, "table (default) or json");
  list_cmd->callback([l, &run] { run = [l] { return list(*l); }; });

  auto d = std::make_shared<AttestorFlags>();
  auto* delete_cmd = cmd->add_subcommand("delete", "Delete an attestor (admin)");
  add_server(delete_cmd, *d);
  delete_cmd->add_option("name", d->name, "Attestor name")->required();
  delete_cmd->callback([d, &run] { run = [d] { return remove(*d); }; });
}

}  // namespace portcullis::cli
