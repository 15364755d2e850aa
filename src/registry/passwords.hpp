// Password hashing (argon2id via libsodium) and constant-time comparison.
#pragma once

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace portcullis::registry {

Result<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);
bool constant_time_equal(std::string_view a, std::string_view b);
// 24 random bytes as URL-safe base64 (32 characters).
std::string random_secret(size_t bytes = 24);

}  // namespace portcullis::registry
