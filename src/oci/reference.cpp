// Reference parsing (distribution/reference's grammar, Docker's normalisation).
#include "oci/reference.hpp"

#include "oci/names.hpp"

namespace portcullis::oci {

std::string Reference::api_host() const {
  return registry == "docker.io" ? "registry-1.docker.io" : registry;
}

std::string Reference::str() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (digest) out += "@" + digest->str();
  return out;
}

Result<Reference> parse_reference(std::string_view text) {
  Reference ref;
  std::string_view rest = text;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    auto digest = Digest::parse(rest.substr(at + 1));
    if (!digest) return digest.error().context("reference \"{}\"", text);
    ref.digest = *digest;
    rest = rest.substr(0, at);
  }
  // A first component with '.', ':' or equal to "localhost" names a registry.
  auto slash = rest.find('/');
  if (slash != std::string_view::npos) {
    auto first = rest.substr(0, slash);
    if (first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
        first == "localhost") {
      ref.registry = std::string(first);
      rest = rest.substr(slash + 1);
    }
  }
  if (ref.registry.empty()) ref.registry = "docker.io";
  auto last_slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!is_valid_tag(ref.tag)) {
      return make_error(ErrorCode::kInvalidArgument, "reference \"{}\": invalid tag \"{}\"", text,
                        ref.tag);
    }
  }
  ref.repository = std::string(rest);
  if (ref.registry == "docker.io" && ref.repository.find('/') == std::string::npos) {
    ref.repository = "library/" + ref.repository;
  }
  if (!is_valid_repository_name(ref.repository)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "reference \"{}\": invalid repository name \"{}\"", text, ref.repository);
  }
  if (ref.tag.empty() && !ref.digest) ref.tag = "latest";
  return ref;
}

}  // namespace portcullis::oci
