// Which vulnerability DB a command uses: --db, else PORTCULLIS_DB, else the default location.
#pragma once

#include <filesystem>
#include <string>

namespace portcullis::cli {

std::filesystem::path resolve_db_path(const std::string& flag);

}  // namespace portcullis::cli
