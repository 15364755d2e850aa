// The concrete image sources (private to the image module).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "image/image.hpp"

namespace portcullis::image {

std::unique_ptr<ImageSource> make_oci_layout_source(std::filesystem::path dir, std::string ref,
                                                    SourceOptions options, std::string location);
std::unique_ptr<ImageSource> make_docker_archive_source(std::filesystem::path file,
                                                        std::string location);

}  // namespace portcullis::image
