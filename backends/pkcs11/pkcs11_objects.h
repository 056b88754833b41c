#pragma once
// Objects on a token: finding them by template, reading attributes, and describing keys. All
// through raw C_FindObjects / C_GetAttributeValue, so objects libp11 cannot parse (Ed25519 keys)
// never hide the others.
#include <p11-kit/pkcs11.h>

#include <optional>
#include <string>
#include <vector>

#include "backends/pkcs11/pkcs11_token.h"
#include "core/util/bytes.h"
#include "core/x509/algorithm.h"

namespace kpki {

// One attribute of a search template; owns its value bytes.
struct Pkcs11Attr {
  CK_ATTRIBUTE_TYPE type;
  Bytes value;

  static Pkcs11Attr ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG v);
  static Pkcs11Attr boolean(CK_ATTRIBUTE_TYPE type, bool v);
  static Pkcs11Attr bytes(CK_ATTRIBUTE_TYPE type, ByteView v);
  static Pkcs11Attr text(CK_ATTRIBUTE_TYPE type, const std::string& v);
};

// CK_ATTRIBUTE array pointing into `attrs` (which must outlive it).
std::vector<CK_ATTRIBUTE> ck_template(std::vector<Pkcs11Attr>& attrs);

std::vector<CK_OBJECT_HANDLE> find_objects(const Pkcs11Session& session,
                                           std::vector<Pkcs11Attr> query);

// The attribute's value, or nullopt when the object does not have it or it is sensitive.
std::optional<Bytes> get_attribute(const Pkcs11Session& session, CK_OBJECT_HANDLE object,
                                   CK_ATTRIBUTE_TYPE type);
std::optional<CK_ULONG> get_ulong(const Pkcs11Session& session, CK_OBJECT_HANDLE object,
                                  CK_ATTRIBUTE_TYPE type);
std::optional<bool> get_bool(const Pkcs11Session& session, CK_OBJECT_HANDLE object,
                             CK_ATTRIBUTE_TYPE type);

// DER SubjectPublicKeyInfo of a public key object (or an RSA private key object, which carries
// modulus and exponent). Throws Unsupported for key types and curves kpki does not sign with.
Bytes public_key_spki(const Pkcs11Session& session, CK_OBJECT_HANDLE object);

// DER of the curve parameters kpki puts in CKA_EC_PARAMS (namedCurve OID).
Bytes ec_params_der(Algorithm alg);

struct Pkcs11KeyInfo {
  std::string object_class;  // "private" or "public"
  std::string label;
  Bytes id;
  std::string type;  // "rsa", "ec", "ed25519", or "0x.." for others
  std::string size;  // "2048", "P-256", "Ed25519", "" when unknown
  std::optional<bool> sensitive, extractable, never_extractable, always_sensitive, modifiable;
};

// Every private and public key object visible in the session.
std::vector<Pkcs11KeyInfo> list_key_objects(const Pkcs11Session& session);

// " 'ca' id=0a1b..., 'etcd-ca' id=..." — the private keys present, for NotFound messages.
std::string describe_private_keys(const Pkcs11Session& session);

}  // namespace kpki
