// Image references as docker and skopeo write them: [registry[:port]/]repository[:tag][@digest],
// normalised as Docker does (docker.io, library/, latest).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/digest.hpp"
#include "base/result.hpp"

namespace portcullis::oci {

struct Reference {
  std::string registry;    // "docker.io", "127.0.0.1:5000"
  std::string repository;  // "library/debian"
  std::string tag;         // empty when only a digest is given
  std::optional<Digest> digest;

  // The host to talk to: Docker Hub's API host for docker.io.
  std::string api_host() const;
  // The tag or digest to ask the registry for.
  std::string reference() const { return digest ? digest->str() : tag; }
  std::string str() const;
};

Result<Reference> parse_reference(std::string_view text);

}  // namespace portcullis::oci
