// portcullis user: add, delete and list users; grant and revoke repository permissions.
#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"
#include "pipeline/pipeline_store.hpp"
#include "registry/passwords.hpp"
#include "registry/permissions.hpp"
#include "registry/service.hpp"

namespace portcullis::cli {
namespace {

struct UserFlags {
  std::string data = "data";
  std::string name;
  std::string scope;
  std::string actions;
  bool admin = false;
  bool password_stdin = false;
};

Result<registry::DataDir> open_data(const UserFlags& f) {
  if (const char* env = std::getenv("PORTCULLIS_DATA"); env && f.data == "data") {
    return registry::DataDir::open(env);
  }
  return registry::DataDir::open(f.data);
}

// Permission changes go to the server's audit log (DATA/pipeline.db) as "permission_change",
// by the local account that ran the command.
Status audit(const registry::DataDir& data, const std::string& user, const std::string& what,
             const std::string& scope, const std::string& detail) {
  auto store = pipeline::PipelineStore::open(data.path / "pipeline.db", {});
  if (!store) return store.error();
  const char* login = std::getenv("USER");
  return (*store)->record(
      pipeline::Event{0, 0, "permission_change", std::string("cli:") + (login ? login : "?"), scope,
                      "", "", user, what, detail, "local", nlohmann::json::object()});
}

int audited(const registry::DataDir& data, const std::string& user, const std::string& what,
            const std::string& scope, const std::string& detail) {
  if (auto ok = audit(data, user, what, scope, detail); !ok) {
    return report(ok.error().context("the change was made but not audited"));
  }
  return kExitOk;
}

int add_user(const UserFlags& f) {
  auto data = open_data(f);
  if (!data) return report(data.error());
  std::string password;
  bool generated = false;
  if (f.password_stdin) {
    std::getline(std::cin, password);
    if (password.empty())
      return report(make_error(ErrorCode::kInvalidArgument, "empty password on stdin"));
  } else {
    password = registry::random_secret();
    generated = true;
  }
  auto hash = registry::hash_password(password);
  if (!hash) return report(hash.error());
  auto stored = data->metadata->put_user(store::User{f.name, *hash, f.admin});
  if (!stored) return report(stored.error());
  if (generated) std::cout << password << "\n";
  return audited(*data, f.name, "add", "", f.admin ? "user added (admin)" : "user added");
}

int grant(const UserFlags& f) {
  auto actions = registry::parse_actions(f.actions);
  if (!actions) return report(actions.error());
  auto scope = registry::normalize_grant_scope(f.scope);
  if (!scope) return report(scope.error());
  auto data = open_data(f);
  if (!data) return report(data.error());
  auto user = data->metadata->get_user(f.name);
  if (!user) return report(user.error());
  if (!*user) return report(make_error(ErrorCode::kInvalidArgument, "no user named {}", f.name));
  std::string names;
  for (const auto& a : registry::action_names(*actions)) names += (names.empty() ? "" : ",") + a;
  auto stored = data->metadata->put_grant(store::Grant{f.name, *scope, names});
  if (!stored) return report(stored.error());
  return audited(*data, f.name, "grant", *scope, "grant " + names + " on " + *scope);
}

int revoke(const UserFlags& f) {
  auto data = open_data(f);
  if (!data) return report(data.error());
  auto removed = data->metadata->revoke_grant(f.name, f.scope);
  if (!removed) return report(removed.error());
  if (!*removed) {
    return report(
        make_error(ErrorCode::kInvalidArgument, "{} has no grant on {}", f.name, f.scope));
  }
  return audited(*data, f.name, "revoke", f.scope, "revoked every action on " + f.scope);
}

int remove_user(const UserFlags& f) {
  auto data = open_data(f);
  if (!data) return report(data.error());
  auto removed = data->metadata->delete_user(f.name);
  if (!removed) return report(removed.error());
  if (!*removed) return report(make_error(ErrorCode::kInvalidArgument, "no user named {}", f.name));
  return audited(*data, f.name, "delete", "", "user deleted");
}

int list_users(const UserFlags& f) {
  auto data = open_data(f);
  if (!data) return report(data.error());
  auto users = data->metadata->list_users();
  if (!users) return report(users.error());
  for (const auto& u : *users) {
    std::cout << u.name << (u.is_admin ? "\tadmin" : "\t-");
    auto grants = data->metadata->grants_for(u.name);
    if (grants) {
      for (const auto& g : *grants) std::cout << "\t" << g.scope << "=" << g.actions;
    }
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace

void register_user(CLI::App& app, Runner& run) {
  auto f = std::make_shared<UserFlags>();
  auto* cmd = app.add_subcommand("user", "Manage registry users and their permissions");
  cmd->require_subcommand(1);
  cmd->add_option("--data", f->data, "Data directory of the registry (default ./data)");
  auto data_flag = [f](CLI::App* sub) {
    sub->add_option("--data", f->data, "Data directory of the registry (default ./data)");
  };

  auto* add =
      cmd->add_subcommand("add", "Add a user (or reset its password); prints a generated password");
  add->add_option("name", f->name, "User name")->required();
  add->add_flag("--admin", f->admin, "May do everything, on every repository");
  add->add_flag("--password-stdin", f->password_stdin, "Read the password from standard input");
  data_flag(add);
  add->callback([f, &run] { run = [f] { return add_user(*f); }; });

  auto* g =
      cmd->add_subcommand("grant", "Allow actions on a repository, a namespace (prefix/) or *");
  g->add_option("name", f->name, "User name")->required();
  g->add_option("scope", f->scope, "Repository, namespace ending in /, or *")->required();
  g->add_option("actions", f->actions, "Comma-separated: pull, push, delete, or *")->required();
  data_flag(g);
  g->callback([f, &run] { run = [f] { return grant(*f); }; });

  auto* r = cmd->add_subcommand("revoke", "Remove a grant");
  r->add_option("name", f->name, "User name")->required();
  r->add_option("scope", f->scope, "The scope as granted")->required();
  data_flag(r);
  r->callback([f, &run] { run = [f] { return revoke(*f); }; });

  auto* d = cmd->add_subcommand("delete", "Delete a user and its grants");
  d->add_option("name", f->name, "User name")->required();
  data_flag(d);
  d->callback([f, &run] { run = [f] { return remove_user(*f); }; });

  auto* l = cmd->add_subcommand("list", "List users and grants");
  data_flag(l);
  l->callback([f, &run] { run = [f] { return list_users(*f); }; });
}

}  // namespace portcullis::cli
