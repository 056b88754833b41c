#include "backends/pkcs11/pkcs11_import.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/pkcs11_import_unwrap.h"
#include "backends/pkcs11/pkcs11_mechanisms.h"
#include "backends/pkcs11/pkcs11_objects.h"
#include "core/util/error.h"
#include "core/util/ossl_ptr.h"

namespace kpki {

namespace {

using SecretBignumPtr = OsslPtr<BIGNUM, BN_clear_free>;

// Attribute values holding key material are wiped when the templates go.
struct WipedAttrs {
  std::vector<Pkcs11Attr> attrs;
  ~WipedAttrs() {
    for (auto& a : attrs) OPENSSL_cleanse(a.value.data(), a.value.size());
  }
};

// A big-endian integer parameter of `key`, `width` bytes long (0: as short as possible).
Bytes bn_param(EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    throw_openssl_error(ErrorCode::CryptoError, std::string("the key has no ") + name);
  }
  SecretBignumPtr bn(raw);
  Bytes out(static_cast<size_t>(width > 0 ? width : BN_num_bytes(bn.get())));
  if (BN_bn2binpad(bn.get(), out.data(), static_cast<int>(out.size())) < 0) {
    throw_openssl_error(ErrorCode::CryptoError, std::string("cannot encode ") + name);
  }
  return out;
}

// CKA_EC_POINT: the uncompressed point in a DER OCTET STRING (P-256/P-384 points are < 128
// bytes, so the length is one byte).
Bytes ec_point(EVP_PKEY* key) {
  unsigned char buf[133];
  size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf, sizeof buf,
                                      &len) != 1 ||
      len >= 128) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot encode the EC public point");
  }
  Bytes out = {0x04, static_cast<std::uint8_t>(len)};
  out.insert(out.end(), buf, buf + len);
  return out;
}

// Key material for both objects: public components on both, private ones on the private key.
void add_material(EVP_PKEY* key, Algorithm alg, std::vector<Pkcs11Attr>& pub,
                  std::vector<Pkcs11Attr>& priv) {
  if (key_type(alg) == KeyType::Rsa) {
    Bytes n = bn_param(key, OSSL_PKEY_PARAM_RSA_N);
    Bytes e = bn_param(key, OSSL_PKEY_PARAM_RSA_E);
    for (auto* t : {&pub, &priv}) {
      t->push_back(Pkcs11Attr::ulong(CKA_KEY_TYPE, CKK_RSA));
      t->push_back(Pkcs11Attr::bytes(CKA_MODULUS, n));
      t->push_back(Pkcs11Attr::bytes(CKA_PUBLIC_EXPONENT, e));
    }
    const std::pair<CK_ATTRIBUTE_TYPE, const char*> parts[] = {
        {CKA_PRIVATE_EXPONENT, OSSL_PKEY_PARAM_RSA_D},
        {CKA_PRIME_1, OSSL_PKEY_PARAM_RSA_FACTOR1},
        {CKA_PRIME_2, OSSL_PKEY_PARAM_RSA_FACTOR2},
        {CKA_EXPONENT_1, OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {CKA_EXPONENT_2, OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {CKA_COEFFICIENT, OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
    };
    for (const auto& [type, name] : parts) {
      Bytes value = bn_param(key, name);
      priv.push_back(Pkcs11Attr::bytes(type, value));
      OPENSSL_cleanse(value.data(), value.size());
    }
    return;
  }
  Bytes params = ec_params_der(alg);
  for (auto* t : {&pub, &priv}) {
    t->push_back(Pkcs11Attr::ulong(CKA_KEY_TYPE, CKK_EC));
    t->push_back(Pkcs11Attr::bytes(CKA_EC_PARAMS, params));
  }
  pub.push_back(Pkcs11Attr::bytes(CKA_EC_POINT, ec_point(key)));
  Bytes d = bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, alg == Algorithm::EcdsaP384 ? 48 : 32);
  priv.push_back(Pkcs11Attr::bytes(CKA_VALUE, d));
  OPENSSL_cleanse(d.data(), d.size());
}

// C_CreateObject, retried without CKA_MODIFIABLE=false (always the last attribute) when the token
// rejects it, as key generation does.
CK_RV create_object(Pkcs11Session& session, std::vector<Pkcs11Attr>& attrs, CK_OBJECT_HANDLE& out) {
  auto attempt = [&] {
    auto t = ck_template(attrs);
    return session.fn()->C_CreateObject(session.handle(), t.data(), t.size(), &out);
  };
  CK_RV rv = attempt();
  if (rejects_template(rv) && attrs.back().type == CKA_MODIFIABLE) {
    attrs.pop_back();
    rv = attempt();
  }
  return rv;
}

// A token that will not take a plaintext private key says so in one of these ways.
bool refuses_plaintext_key(CK_RV rv) {
  return rejects_template(rv) || rv == CKR_FUNCTION_NOT_SUPPORTED || rv == CKR_ACTION_PROHIBITED;
}

}  // namespace

Pkcs11KeyPair import_key_pair(const Pkcs11Token& token, Pkcs11Session& session, EVP_PKEY* key,
                              Algorithm alg, const std::string& label, ByteView id,
                              Pkcs11ImportMethod method) {
  if (alg == Algorithm::Ed25519) {
    throw Error(ErrorCode::Unsupported, "importing Ed25519 keys onto " + token.name() +
                                            " is not supported (RSA and EC P-256/P-384 are)");
  }
  if (is_tpm2_pkcs11(session.fn())) {
    // tpm2-pkcs11 1.9 creates only RSA public keys and data objects (C_CreateObject) and makes
    // no session AES key to unwrap with: a private key reaches a TPM only by its own tool.
    throw Error(ErrorCode::Unsupported,
                "cannot import a private key onto " + token.name() +
                    ": tpm2-pkcs11 accepts no private key through PKCS#11 (C_CreateObject, "
                    "C_UnwrapKey); use `tpm2_ptool import`, or generate the key in the TPM "
                    "(kpki ca create, kpki ca rotate)");
  }
  WipedAttrs pub{ca_public_key_policy(label, id)};
  WipedAttrs priv{ca_private_key_policy(label, id)};
  add_material(key, alg, pub.attrs, priv.attrs);
  pub.attrs.push_back(Pkcs11Attr::boolean(CKA_MODIFIABLE, false));
  priv.attrs.push_back(Pkcs11Attr::boolean(CKA_MODIFIABLE, false));

  Pkcs11KeyPair pair;
  CK_RV rv = create_object(session, pub.attrs, pair.public_key);
  if (rv != CKR_OK) throw_ck(rv, "cannot create the public key object on " + token.name());
  try {
    rv = CKR_FUNCTION_NOT_SUPPORTED;
    if (method != Pkcs11ImportMethod::Unwrap) {
      rv = create_object(session, priv.attrs, pair.private_key);
    }
    if (method == Pkcs11ImportMethod::Unwrap ||
        (method == Pkcs11ImportMethod::Auto && refuses_plaintext_key(rv))) {
      pair.private_key = unwrap_private_key(token, session, key, alg, label, id);
      rv = CKR_OK;
    }
    if (rv != CKR_OK) throw_ck(rv, "cannot create the private key object on " + token.name());
  } catch (...) {
    session.fn()->C_DestroyObject(session.handle(), pair.public_key);  // nothing half made
    throw;
  }
  return pair;
}

}  // namespace kpki
