// The one list of analyzers.
#pragma once

#include <memory>
#include <vector>

#include "analyze/analyzer.hpp"

namespace portcullis::analyze {

const std::vector<std::unique_ptr<Analyzer>>& analyzers();
// A string naming every analyzer and its version: part of the layer cache key.
std::string analyzers_fingerprint();

}  // namespace portcullis::analyze
