#include "core/x509/chain_verifier.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "core/util/error.h"
#include "core/util/time_format.h"
#include "core/x509/subject_alt_names.h"

namespace kpki {

namespace {

bool is_crl_error(int err) {
  switch (err) {
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
      return true;
    default:
      return false;
  }
}

// "certificate revoked: serial 3F0A..., reason keyCompromise, on 2026-12-01T23:00:00Z".
std::string revoked_reason(const std::vector<Crl>& crls, const Certificate& certificate) {
  std::string serial = certificate.serial_hex();
  for (const auto& crl : crls) {
    if (auto entry = crl.find(serial)) {
      return "certificate revoked: serial " + serial + ", reason " +
             std::string(reason_name(entry->reason)) + ", on " + format_utc(entry->time, kIsoUtc);
    }
  }
  return "certificate revoked: serial " + serial;
}

}  // namespace

Purpose parse_purpose(std::string_view text) {
  if (text == "server") return Purpose::Server;
  if (text == "client") return Purpose::Client;
  if (text == "any" || text.empty()) return Purpose::Any;
  throw Error(ErrorCode::InvalidInput,
              "unknown purpose '" + std::string(text) + "' (expected server or client)");
}

VerifyResult verify_certificate(const std::vector<Certificate>& trusted_cas,
                                const Certificate& certificate, const VerifyOptions& options,
                                const std::vector<Crl>& crls) {
  X509StorePtr store(X509_STORE_new());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx) throw_openssl_error(ErrorCode::CryptoError, "out of memory");
  for (const auto& ca : trusted_cas) X509_STORE_add_cert(store.get(), ca.x509());
  X509StackPtr untrusted(sk_X509_new_null());
  if (!X509_STORE_CTX_init(ctx.get(), store.get(), certificate.x509(), untrusted.get())) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot set up verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
  // OpenSSL checks each CRL's signature against its CA, its time window and the leaf's serial.
  for (const auto& crl : crls) X509_STORE_add_crl(store.get(), crl.x509_crl());
  if (!crls.empty()) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK);
  if (options.at)
    X509_VERIFY_PARAM_set_time(param,
                               static_cast<std::time_t>(options.at->time_since_epoch().count()));
  if (options.purpose == Purpose::Server)
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (options.purpose == Purpose::Client)
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_CLIENT);
  if (!options.host.empty()) {
    bool is_ip = true;
    try {
      parse_ip_address(options.host);
    } catch (const Error&) {
      is_ip = false;
    }
    int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, options.host.c_str())
                   : X509_VERIFY_PARAM_set1_host(param, options.host.c_str(), options.host.size());
    if (!ok) return {false, "invalid host '" + options.host + "'"};
  }
  int rc = X509_verify_cert(ctx.get());
  ERR_clear_error();
  if (rc == 1) return {true, {}};
  int err = X509_STORE_CTX_get_error(ctx.get());
  if (err == X509_V_ERR_CERT_REVOKED) return {false, revoked_reason(crls, certificate)};
  std::string reason = X509_verify_cert_error_string(err);
  if (is_crl_error(err)) reason = "CRL: " + reason;
  if (err == X509_V_ERR_HOSTNAME_MISMATCH || err == X509_V_ERR_IP_ADDRESS_MISMATCH) {
    reason += " (host " + options.host + ")";
  }
  return {false, reason};
}

}  // namespace kpki
