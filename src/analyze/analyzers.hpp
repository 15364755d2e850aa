// Constructors of the analyzers (private to the module; registry.cpp lists them).
#pragma once

#include <memory>
#include <optional>

#include "analyze/analyzer.hpp"

namespace portcullis::analyze {

std::unique_ptr<Analyzer> make_os_release_analyzer();
std::unique_ptr<Analyzer> make_dpkg_analyzer();
std::unique_ptr<Analyzer> make_apk_analyzer();
std::unique_ptr<Analyzer> make_npm_analyzer();
std::unique_ptr<Analyzer> make_npm_lock_analyzer();
std::unique_ptr<Analyzer> make_python_analyzer();
std::unique_ptr<Analyzer> make_java_analyzer();
std::unique_ptr<Analyzer> make_go_analyzer();
std::unique_ptr<Analyzer> make_rpm_analyzer();
std::unique_ptr<Analyzer> make_secret_files_analyzer();

// Exposed for tests: parsers over one file's content.
std::vector<Package> parse_dpkg_status(std::string_view content, bool require_installed);
std::vector<Package> parse_apk_installed(std::string_view content);
OsInfo parse_os_release(std::string_view content);
std::string normalize_python_name(std::string_view name);
// An rpm database file (BerkeleyDB hash, SQLite or NDB, told apart by their magic).
Result<std::vector<Package>> parse_rpm_database(std::string_view content);
std::optional<Package> parse_rpm_header(std::string_view blob);
// etc/redhat-release style: "CentOS release 5.11 (Final)".
OsInfo parse_redhat_release(std::string_view content);

}  // namespace portcullis::analyze
