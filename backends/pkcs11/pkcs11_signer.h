#pragma once
// A Signer whose private key stays on a token. Hashing happens in software; the token only sees
// the raw mechanisms of backends/pkcs11/pkcs11_mechanisms.h.
#include <p11-kit/pkcs11.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "backends/pkcs11/pkcs11_token.h"
#include "core/keys/signer.h"

namespace kpki {

class Pkcs11Signer final : public Signer {
 public:
  // `key` was found through a session of module generation `generation`; `label` and `id` find
  // it again after a fork re-initialised the module. `display` names the key in errors.
  // `context_pin` is set for a key with CKA_ALWAYS_AUTHENTICATE: each signature logs in with it
  // (CKU_CONTEXT_SPECIFIC) between C_SignInit and C_Sign, one signature at a time per token.
  Pkcs11Signer(Pkcs11Token& token, CK_OBJECT_HANDLE key, std::uint64_t generation,
               std::optional<std::string> label, Bytes id, Bytes public_key_der,
               std::string display, std::optional<PinSource> context_pin = std::nullopt);

  Algorithm algorithm() const override { return algorithm_; }
  const Bytes& public_key_der() const override { return public_key_der_; }
  const Bytes& signature_algorithm() const override;
  Bytes sign(ByteView message) const override;

 private:
  Bytes sign_locked(ByteView message) const;
  // One signature on a session of its own: CKR_OK with the token's raw signature in `raw`, the
  // token's CK_RV, or kRetry once `on_lost` has run for a lost session (is_session_lost).
  using LostSession = std::function<void(const Pkcs11Session&, CK_RV)>;
  static constexpr CK_RV kRetry = CKR_VENDOR_DEFINED | 0x6b706b69;  // never a token's answer
  CK_RV sign_in_new_session(ByteView message, Bytes& raw, const LostSession& on_lost) const;
  CK_OBJECT_HANDLE key_for(const Pkcs11Session& session) const;
  // C_SignInit + C_Sign with `mechanism`; the signature in `out` when CKR_OK.
  CK_RV try_sign(Pkcs11Session& session, CK_OBJECT_HANDLE key, CK_MECHANISM_TYPE mechanism,
                 ByteView input, Bytes& out) const;
  // True when the token refused raw CKM_RSA_PKCS with this RSA key in a way that
  // CKM_SHA256_RSA_PKCS (hashing on the token) may not: tpm2-pkcs11 does raw RSA with the
  // TPM's decrypt operation, which a sign-only TPM key does not allow.
  bool needs_hash_on_token(CK_RV rv) const;

  Pkcs11Token& token_;
  std::optional<std::string> label_;
  Bytes id_;
  Bytes public_key_der_;
  Algorithm algorithm_;
  std::string display_;
  std::optional<PinSource> context_pin_;
  CK_MECHANISM_TYPE mechanism_;
  std::size_t signature_size_;  // raw signature bytes the token returns
  // Set once raw CKM_RSA_PKCS was refused (needs_hash_on_token): sign with CKM_SHA256_RSA_PKCS.
  mutable std::atomic<bool> hash_on_token_{false};
  mutable std::atomic<bool> module_checked_{false};  // is_tpm2_pkcs11 asked once per signer

  mutable std::mutex handle_mutex_;
  mutable CK_OBJECT_HANDLE key_;
  mutable std::uint64_t key_generation_;
  mutable std::uint64_t key_epoch_ = 0;  // the token's recoveries when key_ was found
};

// DER ECDSA-Sig-Value from the r||s the token returns.
Bytes ecdsa_raw_to_der(ByteView raw);

}  // namespace kpki
