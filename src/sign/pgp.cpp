// GPGME adapter: contexts, data buffers and keys as RAII handles.
#include "sign/pgp.hpp"

#include <gpgme.h>

#include <memory>

namespace portcullis::sign {
namespace {

struct CtxDeleter {
  void operator()(gpgme_ctx_t c) const { gpgme_release(c); }
};
struct DataDeleter {
  void operator()(gpgme_data_t d) const { gpgme_data_release(d); }
};
struct KeyDeleter {
  void operator()(gpgme_key_t k) const { gpgme_key_unref(k); }
};
using Ctx = std::unique_ptr<std::remove_pointer_t<gpgme_ctx_t>, CtxDeleter>;
using Data = std::unique_ptr<std::remove_pointer_t<gpgme_data_t>, DataDeleter>;
using Key = std::unique_ptr<std::remove_pointer_t<gpgme_key_t>, KeyDeleter>;

std::string message(gpgme_error_t e) { return gpgme_strerror(e); }

Result<Ctx> context(const std::string& gpg_home) {
  static const bool kInitialized = [] {
    gpgme_check_version(nullptr);
    return true;
  }();
  (void)kInitialized;
  gpgme_ctx_t raw = nullptr;
  if (auto e = gpgme_new(&raw); e != 0) {
    return make_error(ErrorCode::kInternal, "gpgme: {}", message(e));
  }
  Ctx ctx(raw);
  if (auto e = gpgme_set_protocol(ctx.get(), GPGME_PROTOCOL_OpenPGP); e != 0) {
    return make_error(ErrorCode::kInternal, "gpgme: {}", message(e));
  }
  if (!gpg_home.empty()) {
    auto e =
        gpgme_ctx_set_engine_info(ctx.get(), GPGME_PROTOCOL_OpenPGP, nullptr, gpg_home.c_str());
    if (e != 0) return make_error(ErrorCode::kInternal, "gpgme home {}: {}", gpg_home, message(e));
  }
  gpgme_set_armor(ctx.get(), 0);
  return ctx;
}

Result<Data> data_from(std::string_view bytes) {
  gpgme_data_t raw = nullptr;
  if (auto e = gpgme_data_new_from_mem(&raw, bytes.data(), bytes.size(), 1); e != 0) {
    return make_error(ErrorCode::kInternal, "gpgme: {}", message(e));
  }
  return Data(raw);
}

Result<Data> empty_data() {
  gpgme_data_t raw = nullptr;
  if (auto e = gpgme_data_new(&raw); e != 0) {
    return make_error(ErrorCode::kInternal, "gpgme: {}", message(e));
  }
  return Data(raw);
}

std::string take(Data data) {
  size_t n = 0;
  char* buffer = gpgme_data_release_and_get_mem(data.release(), &n);
  std::string out(buffer != nullptr ? buffer : "", n);
  gpgme_free(buffer);
  return out;
}

}  // namespace

Result<std::string> pgp_sign(std::string_view payload, std::string_view fingerprint,
                             const std::string& gpg_home) {
  auto ctx = context(gpg_home);
  if (!ctx) return ctx.error();
  gpgme_key_t raw_key = nullptr;
  std::string fpr(fingerprint);
  if (auto e = gpgme_get_key(ctx->get(), fpr.c_str(), &raw_key, 1); e != 0) {
    return make_error(ErrorCode::kInvalidArgument, "no secret OpenPGP key {} in {}: {}", fpr,
                      gpg_home.empty() ? "the GnuPG keyring" : gpg_home, message(e));
  }
  Key key(raw_key);
  if (auto e = gpgme_signers_add(ctx->get(), key.get()); e != 0) {
    return make_error(ErrorCode::kInternal, "gpgme: {}", message(e));
  }
  auto in = data_from(payload);
  if (!in) return in.error();
  auto out = empty_data();
  if (!out) return out.error();
  if (auto e = gpgme_op_sign(ctx->get(), in->get(), out->get(), GPGME_SIG_MODE_NORMAL); e != 0) {
    return make_error(ErrorCode::kInternal, "OpenPGP signing with {}: {}", fpr, message(e));
  }
  return take(std::move(*out));
}

Result<PgpVerified> pgp_verify(std::string_view signed_message, std::string_view fingerprint,
                               const std::string& gpg_home) {
  auto ctx = context(gpg_home);
  if (!ctx) return ctx.error();
  auto sig = data_from(signed_message);
  if (!sig) return sig.error();
  auto plain = empty_data();
  if (!plain) return plain.error();
  if (auto e = gpgme_op_verify(ctx->get(), sig->get(), nullptr, plain->get()); e != 0) {
    return make_error(ErrorCode::kPermissionDenied, "not an OpenPGP signed message: {}",
                      message(e));
  }
  gpgme_verify_result_t result = gpgme_op_verify_result(ctx->get());
  std::string why = "no signature";
  for (gpgme_signature_t s = result != nullptr ? result->signatures : nullptr; s != nullptr;
       s = s->next) {
    std::string fpr = s->fpr != nullptr ? s->fpr : "";
    // As containers/image: the signature must check out; owner trust is not asked for.
    if (gpgme_err_code(s->status) != GPG_ERR_NO_ERROR) {
      why = fmt::format("signature by {}: {}", fpr.empty() ? "an unknown key" : fpr,
                        message(s->status));
      continue;
    }
    if (!fingerprint.empty() && fpr != fingerprint) {
      why = fmt::format("signed by {}, not by {}", fpr, fingerprint);
      continue;
    }
    return PgpVerified{take(std::move(*plain)), fpr};
  }
  return make_error(ErrorCode::kPermissionDenied, "bad OpenPGP signature: {}", why);
}

Result<std::vector<std::string>> pgp_import(std::string_view armored_key,
                                            const std::string& gpg_home) {
  auto ctx = context(gpg_home);
  if (!ctx) return ctx.error();
  auto in = data_from(armored_key);
  if (!in) return in.error();
  if (auto e = gpgme_op_import(ctx->get(), in->get()); e != 0) {
    return make_error(ErrorCode::kInvalidArgument, "OpenPGP key import: {}", message(e));
  }
  gpgme_import_result_t result = gpgme_op_import_result(ctx->get());
  std::vector<std::string> out;
  for (gpgme_import_status_t s = result != nullptr ? result->imports : nullptr; s != nullptr;
       s = s->next) {
    if (gpgme_err_code(s->result) == GPG_ERR_NO_ERROR && s->fpr != nullptr)
      out.emplace_back(s->fpr);
  }
  if (out.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "no OpenPGP public key in the armored text");
  }
  return out;
}

}  // namespace portcullis::sign
