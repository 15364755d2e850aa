// The subcommands: each registers its flags on the CLI11 app and returns an exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "base/error.hpp"

namespace portcullis::cli {

// Exit codes used by every subcommand (docs/cli.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitPolicyFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitProcessing = 3;

// Each registration adds a subcommand and sets `run` to its body when it is selected.
using Runner = std::function<int()>;
void register_serve(CLI::App& app, Runner& run);
void register_user(CLI::App& app, Runner& run);
void register_gc(CLI::App& app, Runner& run);
void register_sbom(CLI::App& app, Runner& run);
void register_debug(CLI::App& app, Runner& run);
void register_scan(CLI::App& app, Runner& run);
void register_db(CLI::App& app, Runner& run);
void register_policy(CLI::App& app, Runner& run);
void register_key(CLI::App& app, Runner& run);
void register_sign(CLI::App& app, Runner& run);
void register_verify(CLI::App& app, Runner& run);
void register_attestor(CLI::App& app, Runner& run);
void register_vouch(CLI::App& app, Runner& run);
void register_admit(CLI::App& app, Runner& run);
void register_promote(CLI::App& app, Runner& run);
void register_audit(CLI::App& app, Runner& run);
// `db update`, under the `db` subcommand.
void register_db_update(CLI::App& db, Runner& run);

// Prints "portcullis: <message>" to stderr and returns the exit code for the error's kind.
int report(const Error& error);

}  // namespace portcullis::cli
