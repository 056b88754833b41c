#include "backends/pkcs11/pkcs11_keygen.h"

#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/pkcs11_mechanisms.h"
#include "backends/pkcs11/pkcs11_objects.h"

namespace kpki {

namespace {

// The curve name form of Ed25519's CKA_EC_PARAMS, for modules that reject the OID form.
const Bytes kEd25519Name = {0x13, 0x0c, 'e', 'd', 'w', 'a', 'r', 'd', 's', '2', '5', '5', '1', '9'};

CK_RV try_generate(Pkcs11Session& session, CK_MECHANISM_TYPE type,
                   std::vector<Pkcs11Attr> pub_attrs, std::vector<Pkcs11Attr> priv_attrs,
                   Pkcs11KeyPair& out) {
  CK_MECHANISM mechanism{type, nullptr, 0};
  auto pub = ck_template(pub_attrs);
  auto priv = ck_template(priv_attrs);
  return session.fn()->C_GenerateKeyPair(session.handle(), &mechanism, pub.data(), pub.size(),
                                         priv.data(), priv.size(), &out.public_key,
                                         &out.private_key);
}

// RSA as is; EC and Edwards curves with CKA_EC_PARAMS, trying both encodings for Ed25519.
CK_RV generate_with(Pkcs11Session& session, Algorithm alg, CK_MECHANISM_TYPE type,
                    const std::vector<Pkcs11Attr>& pub, const std::vector<Pkcs11Attr>& priv,
                    Pkcs11KeyPair& out) {
  if (key_type(alg) == KeyType::Rsa) return try_generate(session, type, pub, priv, out);
  auto with_params = [&](const Bytes& params) {
    auto p = pub;
    p.push_back(Pkcs11Attr::bytes(CKA_EC_PARAMS, params));
    return try_generate(session, type, std::move(p), priv, out);
  };
  CK_RV rv = with_params(ec_params_der(alg));
  // PKCS#11 3.0 allows both forms for Edwards curves; modules differ in which they take.
  if (alg == Algorithm::Ed25519 && rv != CKR_OK && rv != CKR_PIN_INCORRECT &&
      rv != CKR_USER_NOT_LOGGED_IN) {
    rv = with_params(kEd25519Name);
  }
  return rv;
}

// With CKA_MODIFIABLE=false added to both halves, then, if the token rejects that, without it:
// it is hardening (no later C_SetAttributeValue can give the key decrypt or make it
// extractable), not a requirement, so a token that refuses it still gets a key.
CK_RV generate_hardened(Pkcs11Session& session, Algorithm alg, CK_MECHANISM_TYPE type,
                        std::vector<Pkcs11Attr> pub, std::vector<Pkcs11Attr> priv,
                        Pkcs11KeyPair& out) {
  auto hardened_pub = pub;
  auto hardened_priv = priv;
  hardened_pub.push_back(Pkcs11Attr::boolean(CKA_MODIFIABLE, false));
  hardened_priv.push_back(Pkcs11Attr::boolean(CKA_MODIFIABLE, false));
  CK_RV rv = generate_with(session, alg, type, hardened_pub, hardened_priv, out);
  if (rejects_template(rv)) rv = generate_with(session, alg, type, pub, priv, out);
  return rv;
}

// Reads back what the token actually made: a token may ignore template attributes (a TPM maps
// them onto its own object bits). A private key that is not sensitive, non-extractable and
// sign-only is destroyed with its public half, so no weaker CA key is left behind.
void check_generated_private_key(const Pkcs11Token& token, Pkcs11Session& session,
                                 const Pkcs11KeyPair& pair) {
  std::string wrong;
  auto expect = [&](CK_ATTRIBUTE_TYPE type, bool want, const char* name) {
    std::optional<bool> got = get_bool(session, pair.private_key, type);
    if (got && *got != want) wrong += std::string(wrong.empty() ? "" : ", ") + name;
  };
  expect(CKA_SIGN, true, "CKA_SIGN=false");
  expect(CKA_SENSITIVE, true, "CKA_SENSITIVE=false");
  expect(CKA_EXTRACTABLE, false, "CKA_EXTRACTABLE=true");
  expect(CKA_DECRYPT, false, "CKA_DECRYPT=true");
  expect(CKA_UNWRAP, false, "CKA_UNWRAP=true");
  expect(CKA_DERIVE, false, "CKA_DERIVE=true");
  if (wrong.empty()) return;
  session.fn()->C_DestroyObject(session.handle(), pair.private_key);
  session.fn()->C_DestroyObject(session.handle(), pair.public_key);
  throw Error(ErrorCode::Unsupported,
              token.name() + " made the CA key with " + wrong +
                  " although kpki asked for a sensitive, non-extractable, sign-only key; "
                  "the key was deleted");
}

}  // namespace

std::vector<Pkcs11Attr> ca_public_key_policy(const std::string& label, ByteView id) {
  return {
      Pkcs11Attr::ulong(CKA_CLASS, CKO_PUBLIC_KEY), Pkcs11Attr::boolean(CKA_TOKEN, true),
      Pkcs11Attr::boolean(CKA_PRIVATE, false),      Pkcs11Attr::boolean(CKA_VERIFY, true),
      Pkcs11Attr::boolean(CKA_ENCRYPT, false),      Pkcs11Attr::boolean(CKA_WRAP, false),
      Pkcs11Attr::text(CKA_LABEL, label),           Pkcs11Attr::bytes(CKA_ID, id),
  };
}

std::vector<Pkcs11Attr> ca_private_key_policy(const std::string& label, ByteView id) {
  return {
      Pkcs11Attr::ulong(CKA_CLASS, CKO_PRIVATE_KEY),
      Pkcs11Attr::boolean(CKA_TOKEN, true),
      Pkcs11Attr::boolean(CKA_PRIVATE, true),
      Pkcs11Attr::boolean(CKA_SENSITIVE, true),
      Pkcs11Attr::boolean(CKA_EXTRACTABLE, false),
      Pkcs11Attr::boolean(CKA_SIGN, true),
      Pkcs11Attr::boolean(CKA_DECRYPT, false),
      Pkcs11Attr::boolean(CKA_UNWRAP, false),
      Pkcs11Attr::boolean(CKA_DERIVE, false),
      Pkcs11Attr::text(CKA_LABEL, label),
      Pkcs11Attr::bytes(CKA_ID, id),
  };
}

bool rejects_template(CK_RV rv) {
  return rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_VALUE_INVALID ||
         rv == CKR_TEMPLATE_INCONSISTENT || rv == CKR_ATTRIBUTE_READ_ONLY;
}

Pkcs11KeyPair generate_key_pair(const Pkcs11Token& token, Pkcs11Session& session, Algorithm alg,
                                const std::string& label, ByteView id) {
  const Pkcs11Mechanisms& mech = pkcs11_mechanisms(alg);
  if (!token.supports(mech.generate, CKF_GENERATE_KEY_PAIR)) {
    throw Error(ErrorCode::Unsupported,
                token.name() + " cannot generate " + std::string(algorithm_name(alg)) + " keys",
                std::string(mech.generate_name) + " not offered");
  }

  std::vector<Pkcs11Attr> pub = ca_public_key_policy(label, id);
  std::vector<Pkcs11Attr> priv = ca_private_key_policy(label, id);
  if (key_type(alg) == KeyType::Rsa) {
    static const Bytes kF4 = {0x01, 0x00, 0x01};
    pub.push_back(Pkcs11Attr::ulong(CKA_MODULUS_BITS, static_cast<CK_ULONG>(rsa_bits(alg))));
    pub.push_back(Pkcs11Attr::bytes(CKA_PUBLIC_EXPONENT, kF4));
  }
  Pkcs11KeyPair pair;
  CK_RV rv = CKR_GENERAL_ERROR;
  if (!is_tpm2_pkcs11(session.fn())) {
    rv = generate_hardened(session, alg, mech.generate, pub, priv, pair);
  }
  if (rv == CKR_GENERAL_ERROR || rejects_template(rv)) {
    // A TPM key has one pair of usage bits for both halves (tpm2-pkcs11 1.9: sign = encrypt,
    // decrypt = verify) and the module refuses, with CKR_GENERAL_ERROR, a public template whose
    // CKA_VERIFY or CKA_ENCRYPT differs from what the private template implies. Such a token
    // derives the public half's uses from the private half; the private half stays sign-only.
    std::erase_if(
        pub, [](const Pkcs11Attr& a) { return a.type == CKA_VERIFY || a.type == CKA_ENCRYPT; });
    rv = generate_hardened(session, alg, mech.generate, pub, priv, pair);
  }
  if (rv != CKR_OK) {
    throw_ck(rv,
             "cannot generate a " + std::string(algorithm_name(alg)) + " key on " + token.name());
  }
  check_generated_private_key(token, session, pair);
  return pair;
}

}  // namespace kpki
