// portcullis db update: stub until written below.
#include "cli/commands.hpp"

namespace portcullis::cli {
void register_db_update(CLI::App&, Runner&) {}
}  // namespace portcullis::cli
