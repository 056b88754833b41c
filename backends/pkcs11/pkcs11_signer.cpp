#include "backends/pkcs11/pkcs11_signer.h"

#include <openssl/ecdsa.h>

#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/module_leaks.h"
#include "backends/pkcs11/pkcs11_mechanisms.h"
#include "backends/pkcs11/pkcs11_objects.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

namespace {

using EcdsaSigPtr = OsslPtr<ECDSA_SIG, ECDSA_SIG_free>;

bool session_is_broken(CK_RV rv) {
  return is_session_lost(rv) || rv == CKR_DEVICE_ERROR || rv == CKR_OPERATION_ACTIVE;
}

}  // namespace

Bytes ecdsa_raw_to_der(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0) {
    throw Error(ErrorCode::DeviceError, "the token returned a malformed ECDSA signature");
  }
  int half = static_cast<int>(raw.size() / 2);
  BignumPtr r(BN_bin2bn(raw.data(), half, nullptr));
  BignumPtr s(BN_bin2bn(raw.data() + half, half, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (!r || !s || !sig || !ECDSA_SIG_set0(sig.get(), r.get(), s.get())) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot encode the ECDSA signature");
  }
  r.release();  // owned by sig now
  s.release();
  unsigned char* out = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &out);
  if (len <= 0) throw_openssl_error(ErrorCode::CryptoError, "cannot encode the ECDSA signature");
  OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

Pkcs11Signer::Pkcs11Signer(Pkcs11Token& token, CK_OBJECT_HANDLE key, std::uint64_t generation,
                           std::optional<std::string> label, Bytes id, Bytes public_key_der,
                           std::string display, std::optional<PinSource> context_pin)
    : token_(token),
      label_(std::move(label)),
      id_(std::move(id)),
      public_key_der_(std::move(public_key_der)),
      algorithm_(algorithm_of_public_key(public_key_der_)),
      display_(std::move(display)),
      context_pin_(std::move(context_pin)),
      key_(key),
      key_generation_(generation) {
  const Pkcs11Mechanisms& mechanisms = pkcs11_mechanisms(algorithm_);
  mechanism_ = mechanisms.sign;
  signature_size_ = mechanisms.signature_size;
  if (!token_.supports(mechanism_, CKF_SIGN)) {
    throw Error(ErrorCode::Unsupported,
                token_.name() + " cannot sign with " + std::string(algorithm_name(algorithm_)) +
                    " keys (key '" + display_ + "')",
                std::string(mechanisms.sign_name) + " not offered");
  }
}

const Bytes& Pkcs11Signer::signature_algorithm() const {
  return signature_algorithm_der(algorithm_);
}

CK_OBJECT_HANDLE Pkcs11Signer::key_for(const Pkcs11Session& session) const {
  std::lock_guard lock(handle_mutex_);
  if (key_generation_ == session.generation() && key_epoch_ == session.epoch()) return key_;
  // The module was re-initialised after fork(), or the token lost its sessions (recover): handles
  // from before may mean nothing. Find the key again by the attributes it was opened with.
  std::vector<Pkcs11Attr> query = {Pkcs11Attr::ulong(CKA_CLASS, CKO_PRIVATE_KEY)};
  if (label_) query.push_back(Pkcs11Attr::text(CKA_LABEL, *label_));
  if (!id_.empty()) query.push_back(Pkcs11Attr::bytes(CKA_ID, id_));
  auto found = find_objects(session, std::move(query));
  if (found.size() != 1) {
    throw Error(ErrorCode::NotFound, "key '" + display_ + "' is no longer on " + token_.name());
  }
  key_ = found.front();
  key_generation_ = session.generation();
  key_epoch_ = session.epoch();
  return key_;
}

CK_RV Pkcs11Signer::try_sign(Pkcs11Session& session, CK_OBJECT_HANDLE key,
                             CK_MECHANISM_TYPE mechanism_type, ByteView input, Bytes& out) const {
  CK_FUNCTION_LIST* fn = session.fn();
  CK_MECHANISM mechanism{mechanism_type, nullptr, 0};
  KPKI_IGNORE_MODULE_LEAKS();
  CK_RV rv = fn->C_SignInit(session.handle(), &mechanism, key);
  if (rv != CKR_OK) return rv;
  if (context_pin_) {
    try {
      token_.context_login(session, *context_pin_);
    } catch (...) {
      session.discard();  // the signing operation C_SignInit started is still active on it
      throw;
    }
  }
  out.assign(signature_size_, 0);
  CK_ULONG len = out.size();
  rv = fn->C_Sign(session.handle(), const_cast<CK_BYTE*>(input.data()), input.size(), out.data(),
                  &len);
  if (rv == CKR_OK) out.resize(len);
  return rv;
}

bool Pkcs11Signer::needs_hash_on_token(CK_RV rv) const {
  bool refused = rv == CKR_GENERAL_ERROR || rv == CKR_FUNCTION_FAILED ||
                 rv == CKR_KEY_FUNCTION_NOT_PERMITTED || rv == CKR_KEY_TYPE_INCONSISTENT;
  return refused && mechanism_ == CKM_RSA_PKCS && token_.supports(CKM_SHA256_RSA_PKCS, CKF_SIGN);
}

Bytes Pkcs11Signer::sign(ByteView message) const {
  if (!context_pin_) return sign_locked(message);
  std::lock_guard lock(token_.always_auth_mutex());
  return sign_locked(message);
}

Bytes Pkcs11Signer::sign_locked(ByteView message) const {
  Bytes raw;
  CK_RV rv = sign_in_new_session(message, raw, [&](const Pkcs11Session& session, CK_RV lost) {
    token_.recover(session, lost);  // throws when the token is gone or the login fails
  });
  // Once after a recovery: a second loss ends the run (recover refuses before any login).
  if (rv == kRetry) rv = sign_in_new_session(message, raw, {});
  if (rv != CKR_OK) {
    throw_ck(rv, "signing with key '" + display_ + "' on " + token_.name() + " failed");
  }
  token_.note_signature();
  return key_type(algorithm_) == KeyType::Ec ? ecdsa_raw_to_der(raw) : raw;
}

CK_RV Pkcs11Signer::sign_in_new_session(ByteView message, Bytes& raw,
                                        const LostSession& on_lost) const {
  Pkcs11Session session = token_.acquire();
  CK_OBJECT_HANDLE key = key_for(session);
  CK_RV rv = CKR_OK;
  if (mechanism_ == CKM_RSA_PKCS && !module_checked_.exchange(true) &&
      is_tpm2_pkcs11(session.fn()) && token_.supports(CKM_SHA256_RSA_PKCS, CKF_SIGN)) {
    hash_on_token_.store(true);
  }
  if (!hash_on_token_.load()) {
    rv = try_sign(session, key, mechanism_, pkcs11_sign_input(algorithm_, message), raw);
    // PKCS#1 v1.5 signatures are deterministic: the token's own SHA-256 + DigestInfo gives the
    // same bytes as ours, so switching mechanisms changes nothing for the verifier.
    if (needs_hash_on_token(rv)) hash_on_token_.store(true);
  }
  if (hash_on_token_.load()) rv = try_sign(session, key, CKM_SHA256_RSA_PKCS, message, raw);
  if (rv == CKR_OK) return rv;
  if (session_is_broken(rv)) session.discard();  // do not lend it again
  if (is_session_lost(rv) && on_lost) {
    on_lost(session, rv);
    return kRetry;
  }
  return rv;
}

}  // namespace kpki
