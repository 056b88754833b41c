#include "backends/pkcs11/pkcs11_import_unwrap.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "backends/openssl_file/file_key_manager.h"
#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/pkcs11_keygen.h"
#include "core/error.h"
#include "core/secret.h"

namespace kpki {

namespace {

// A session AES-256 key that only this call can use, destroyed when it goes.
class SessionAesKey {
 public:
  SessionAesKey(const Pkcs11Token& token, Pkcs11Session& session) : session_(session) {
    CK_ULONG len = 32;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_KEY_TYPE type = CKK_AES;
    CK_ATTRIBUTE t[] = {
        {CKA_CLASS, &cls, sizeof cls},     {CKA_KEY_TYPE, &type, sizeof type},
        {CKA_TOKEN, &no, sizeof no},       {CKA_VALUE_LEN, &len, sizeof len},
        {CKA_ENCRYPT, &yes, sizeof yes},   {CKA_UNWRAP, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes}, {CKA_EXTRACTABLE, &no, sizeof no},
    };
    CK_MECHANISM mech{CKM_AES_KEY_GEN, nullptr, 0};
    check_ck(session.fn()->C_GenerateKey(session.handle(), &mech, t, std::size(t), &handle_),
             "cannot make a session AES key on " + token.name() + " to unwrap the key");
  }
  ~SessionAesKey() { session_.fn()->C_DestroyObject(session_.handle(), handle_); }
  SessionAesKey(const SessionAesKey&) = delete;
  SessionAesKey& operator=(const SessionAesKey&) = delete;
  CK_OBJECT_HANDLE handle() const { return handle_; }

 private:
  Pkcs11Session& session_;
  CK_OBJECT_HANDLE handle_ = CK_INVALID_HANDLE;
};

}  // namespace

CK_OBJECT_HANDLE unwrap_private_key(const Pkcs11Token& token, Pkcs11Session& session, EVP_PKEY* key,
                                    Algorithm alg, const std::string& label, ByteView id) {
  Bytes pkcs8 = private_key_to_pkcs8_der(key);
  WipeOnExit wipe_pkcs8(pkcs8);
  SessionAesKey aes(token, session);
  Bytes iv(16);
  if (RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot make an IV");
  }
  CK_MECHANISM mech{CKM_AES_CBC_PAD, iv.data(), static_cast<CK_ULONG>(iv.size())};
  const std::string what = "cannot unwrap the key onto " + token.name();
  CK_FUNCTION_LIST* fn = session.fn();
  check_ck(fn->C_EncryptInit(session.handle(), &mech, aes.handle()), what + " (C_EncryptInit)");
  CK_ULONG len = static_cast<CK_ULONG>(pkcs8.size() + 16);
  Bytes wrapped(len);
  check_ck(fn->C_Encrypt(session.handle(), pkcs8.data(), static_cast<CK_ULONG>(pkcs8.size()),
                         wrapped.data(), &len),
           what + " (C_Encrypt)");
  wrapped.resize(len);

  std::vector<Pkcs11Attr> attrs = ca_private_key_policy(label, id);
  attrs.push_back(
      Pkcs11Attr::ulong(CKA_KEY_TYPE, key_type(alg) == KeyType::Rsa ? CKK_RSA : CKK_EC));
  attrs.push_back(Pkcs11Attr::boolean(CKA_MODIFIABLE, false));
  CK_OBJECT_HANDLE out = CK_INVALID_HANDLE;
  auto attempt = [&] {
    auto t = ck_template(attrs);
    return fn->C_UnwrapKey(session.handle(), &mech, aes.handle(), wrapped.data(),
                           static_cast<CK_ULONG>(wrapped.size()), t.data(), t.size(), &out);
  };
  CK_RV rv = attempt();
  if (rejects_template(rv)) {
    attrs.pop_back();  // CKA_MODIFIABLE=false: hardening the token may not take
    rv = attempt();
  }
  check_ck(rv, what + " (C_UnwrapKey)");
  return out;
}

}  // namespace kpki
