// The concrete image sources (private to the image module).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "image/image.hpp"
#include "oci/reference.hpp"

namespace portcullis::image {

std::unique_ptr<ImageSource> make_oci_layout_source(std::filesystem::path dir, std::string ref,
                                                    SourceOptions options, std::string location);
std::unique_ptr<ImageSource> make_oci_archive_source(std::filesystem::path file, std::string ref,
                                                     SourceOptions options, std::string location);

// Reads a blob by digest for resolve_layout_index, which verifies it; `what` names it in errors.
using BlobFetcher = std::function<Result<std::string>(const Digest&, std::string_view what)>;
Result<Image> resolve_layout_index(std::string_view index_json, const std::string& ref,
                                   const SourceOptions& options, const std::string& location,
                                   const BlobFetcher& read_blob);

std::unique_ptr<ImageSource> make_registry_source(oci::Reference ref, RegistryOptions options,
                                                  SourceOptions source, std::string location);

std::unique_ptr<ImageSource> make_docker_archive_source(std::filesystem::path file,
                                                        std::string location);

}  // namespace portcullis::image
