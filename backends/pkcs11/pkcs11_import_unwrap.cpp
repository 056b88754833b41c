#include "backends/pkcs11/pkcs11_import_unwrap.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "backends/openssl_file/file_key_manager.h"
#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/pkcs11_keygen.h"
#include "core/fs/secret.h"
#include "core/util/error.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

namespace {

// A session AES-256 secret key object that only this call can use (CKA_TOKEN false, unwrap
// only), destroyed when it goes.
class SessionWrapKey {
 public:
  SessionWrapKey(const Pkcs11Token& token, Pkcs11Session& session, ByteView value)
      : session_(session) {
    std::vector<Pkcs11Attr> attrs = {
        Pkcs11Attr::ulong(CKA_CLASS, CKO_SECRET_KEY), Pkcs11Attr::ulong(CKA_KEY_TYPE, CKK_AES),
        Pkcs11Attr::boolean(CKA_TOKEN, false),        Pkcs11Attr::boolean(CKA_UNWRAP, true),
        Pkcs11Attr::boolean(CKA_SENSITIVE, true),     Pkcs11Attr::boolean(CKA_EXTRACTABLE, false),
        Pkcs11Attr::bytes(CKA_VALUE, value),
    };
    auto t = ck_template(attrs);
    CK_RV rv = session.fn()->C_CreateObject(session.handle(), t.data(), t.size(), &handle_);
    OPENSSL_cleanse(attrs.back().value.data(), attrs.back().value.size());
    check_ck(rv, "cannot make a session AES key on " + token.name() + " to unwrap the key");
  }
  ~SessionWrapKey() { session_.fn()->C_DestroyObject(session_.handle(), handle_); }
  SessionWrapKey(const SessionWrapKey&) = delete;
  SessionWrapKey& operator=(const SessionWrapKey&) = delete;
  CK_OBJECT_HANDLE handle() const { return handle_; }

 private:
  Pkcs11Session& session_;
  CK_OBJECT_HANDLE handle_ = CK_INVALID_HANDLE;
};

// RFC 5649 AES key wrap with padding, what CKM_AES_KEY_WRAP_PAD unwraps.
Bytes aes_wrap_pad(ByteView key, ByteView plaintext) {
  OsslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free> ctx(EVP_CIPHER_CTX_new());
  Bytes out(plaintext.size() + 16);
  int len = 0, tail = 0;
  if (!ctx) throw_openssl_error(ErrorCode::CryptoError, "cannot wrap the key");
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_wrap_pad(), nullptr, key.data(), nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &tail) != 1) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot wrap the key");
  }
  out.resize(static_cast<size_t>(len + tail));
  return out;
}

}  // namespace

CK_OBJECT_HANDLE unwrap_private_key(const Pkcs11Token& token, Pkcs11Session& session, EVP_PKEY* key,
                                    Algorithm alg, const std::string& label, ByteView id) {
  Bytes wrap_key(32);
  WipeOnExit wipe_wrap_key(wrap_key);
  if (RAND_bytes(wrap_key.data(), static_cast<int>(wrap_key.size())) != 1) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot make a wrapping key");
  }
  Bytes wrapped;
  {
    Bytes pkcs8 = private_key_to_pkcs8_der(key);
    WipeOnExit wipe_pkcs8(pkcs8);
    wrapped = aes_wrap_pad(wrap_key, pkcs8);
  }
  SessionWrapKey unwrapping(token, session, wrap_key);

  std::vector<Pkcs11Attr> attrs = ca_private_key_policy(label, id);
  attrs.push_back(
      Pkcs11Attr::ulong(CKA_KEY_TYPE, key_type(alg) == KeyType::Rsa ? CKK_RSA : CKK_EC));
  attrs.push_back(Pkcs11Attr::boolean(CKA_MODIFIABLE, false));
  CK_MECHANISM mech{CKM_AES_KEY_WRAP_PAD, nullptr, 0};
  CK_OBJECT_HANDLE out = CK_INVALID_HANDLE;
  auto attempt = [&] {
    auto t = ck_template(attrs);
    return session.fn()->C_UnwrapKey(session.handle(), &mech, unwrapping.handle(), wrapped.data(),
                                     static_cast<CK_ULONG>(wrapped.size()), t.data(), t.size(),
                                     &out);
  };
  CK_RV rv = attempt();
  if (rejects_template(rv)) {
    attrs.pop_back();  // CKA_MODIFIABLE=false: hardening the token may not take
    rv = attempt();
  }
  check_ck(rv, "cannot unwrap the key onto " + token.name() + " (C_UnwrapKey)");
  return out;
}

}  // namespace kpki
