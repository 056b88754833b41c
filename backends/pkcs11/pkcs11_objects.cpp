#include "backends/pkcs11/pkcs11_objects.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <cstdio>
#include <cstring>

#include "backends/pkcs11/ck_error.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/public_key.h"

namespace kpki {

namespace {

using ParamBldPtr = OsslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamPtr = OsslPtr<OSSL_PARAM, OSSL_PARAM_free>;

const Bytes kOidP256 = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const Bytes kOidP384 = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
const Bytes kOidEd25519 = {0x06, 0x03, 0x2b, 0x65, 0x70};
// PKCS#11 3.0 also allows the curve name as a PrintableString; SoftHSM and OpenSC write this.
const Bytes kNameEd25519 = {0x13, 0x0c, 'e', 'd', 'w', 'a', 'r', 'd', 's', '2', '5', '5', '1', '9'};

std::string curve_label(const Bytes& params) {
  if (params == kOidP256) return "P-256";
  if (params == kOidP384) return "P-384";
  if (params == kOidEd25519 || params == kNameEd25519) return "Ed25519";
  return "";
}

// CKA_EC_POINT is specified as a DER OCTET STRING around the point, but some modules return the
// bare point. A bare point has a known size, which disambiguates.
Bytes unwrap_ec_point(const Bytes& value, std::size_t bare_size) {
  if (value.size() == bare_size) return value;
  const unsigned char* p = value.data();
  Asn1OctetStringPtr octets(d2i_ASN1_OCTET_STRING(nullptr, &p, static_cast<long>(value.size())));
  if (!octets || ASN1_STRING_length(octets.get()) != static_cast<int>(bare_size)) {
    throw Error(ErrorCode::DeviceError, "the token's CKA_EC_POINT is malformed");
  }
  const unsigned char* data = ASN1_STRING_get0_data(octets.get());
  return Bytes(data, data + bare_size);
}

Bytes spki_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    throw_openssl_error(ErrorCode::DeviceError, "the token's public key is not valid");
  }
  EvpPkeyPtr key(raw);
  return public_key_to_der(key.get());
}

Bytes require(const Pkcs11Session& session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type,
              const char* name) {
  auto value = get_attribute(session, object, type);
  if (!value || value->empty()) {
    throw Error(ErrorCode::DeviceError, std::string("the key object has no readable ") + name);
  }
  return *value;
}

}  // namespace

Pkcs11Attr Pkcs11Attr::ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG v) {
  Bytes b(sizeof v);
  std::memcpy(b.data(), &v, sizeof v);
  return {type, std::move(b)};
}
Pkcs11Attr Pkcs11Attr::boolean(CK_ATTRIBUTE_TYPE type, bool v) {
  return {type, Bytes{static_cast<std::uint8_t>(v ? CK_TRUE : CK_FALSE)}};
}
Pkcs11Attr Pkcs11Attr::bytes(CK_ATTRIBUTE_TYPE type, ByteView v) {
  return {type, Bytes(v.begin(), v.end())};
}
Pkcs11Attr Pkcs11Attr::text(CK_ATTRIBUTE_TYPE type, const std::string& v) {
  return {type, Bytes(v.begin(), v.end())};
}

std::vector<CK_ATTRIBUTE> ck_template(std::vector<Pkcs11Attr>& attrs) {
  std::vector<CK_ATTRIBUTE> out;
  for (auto& a : attrs) out.push_back({a.type, a.value.data(), a.value.size()});
  return out;
}

std::vector<CK_OBJECT_HANDLE> find_objects(const Pkcs11Session& session,
                                           std::vector<Pkcs11Attr> query) {
  CK_FUNCTION_LIST* fn = session.fn();
  auto tmpl = ck_template(query);
  check_ck(fn->C_FindObjectsInit(session.handle(), tmpl.data(), tmpl.size()),
           "cannot search the token");
  std::vector<CK_OBJECT_HANDLE> found;
  CK_RV rv = CKR_OK;
  for (;;) {
    CK_OBJECT_HANDLE batch[64];
    CK_ULONG count = 0;
    rv = fn->C_FindObjects(session.handle(), batch, 64, &count);
    if (rv != CKR_OK || count == 0) break;
    found.insert(found.end(), batch, batch + count);
  }
  // Always end the search, or the session stays in find state for the next borrower.
  CK_RV final_rv = fn->C_FindObjectsFinal(session.handle());
  check_ck(rv, "cannot search the token");
  check_ck(final_rv, "cannot search the token");
  return found;
}

std::optional<Bytes> get_attribute(const Pkcs11Session& session, CK_OBJECT_HANDLE object,
                                   CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE attr{type, nullptr, 0};
  CK_RV rv = session.fn()->C_GetAttributeValue(session.handle(), object, &attr, 1);
  if (rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID ||
      attr.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
    return std::nullopt;
  }
  check_ck(rv, "cannot read an attribute of a token object");
  Bytes value(attr.ulValueLen);
  attr.pValue = value.data();
  check_ck(session.fn()->C_GetAttributeValue(session.handle(), object, &attr, 1),
           "cannot read an attribute of a token object");
  value.resize(attr.ulValueLen);
  return value;
}

std::optional<CK_ULONG> get_ulong(const Pkcs11Session& session, CK_OBJECT_HANDLE object,
                                  CK_ATTRIBUTE_TYPE type) {
  auto v = get_attribute(session, object, type);
  if (!v || v->size() != sizeof(CK_ULONG)) return std::nullopt;
  CK_ULONG out;
  std::memcpy(&out, v->data(), sizeof out);
  return out;
}

std::optional<bool> get_bool(const Pkcs11Session& session, CK_OBJECT_HANDLE object,
                             CK_ATTRIBUTE_TYPE type) {
  auto v = get_attribute(session, object, type);
  if (!v || v->size() != 1) return std::nullopt;
  return (*v)[0] != CK_FALSE;
}

Bytes ec_params_der(Algorithm alg) {
  switch (alg) {
    case Algorithm::EcdsaP256:
      return kOidP256;
    case Algorithm::EcdsaP384:
      return kOidP384;
    case Algorithm::Ed25519:
      return kOidEd25519;
    default:
      return {};
  }
}

Bytes public_key_spki(const Pkcs11Session& session, CK_OBJECT_HANDLE object) {
  auto key_type = get_ulong(session, object, CKA_KEY_TYPE);
  if (key_type == CKK_RSA) {
    Bytes n = require(session, object, CKA_MODULUS, "CKA_MODULUS");
    Bytes e = require(session, object, CKA_PUBLIC_EXPONENT, "CKA_PUBLIC_EXPONENT");
    BignumPtr bn_n(BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr));
    BignumPtr bn_e(BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr));
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bn_n || !bn_e || !bld ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
      throw_openssl_error(ErrorCode::CryptoError, "cannot build the token's RSA public key");
    }
    return spki_from_params("RSA", bld.get());
  }
  if (key_type == CKK_EC || key_type == CKK_EC_EDWARDS) {
    std::string curve = curve_label(require(session, object, CKA_EC_PARAMS, "CKA_EC_PARAMS"));
    Bytes point_attr = require(session, object, CKA_EC_POINT, "CKA_EC_POINT");
    if (curve == "Ed25519") {
      Bytes point = unwrap_ec_point(point_attr, 32);
      EvpPkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, point.data(), 32));
      if (!key) throw_openssl_error(ErrorCode::DeviceError, "the token's Ed25519 key is not valid");
      return public_key_to_der(key.get());
    }
    if (curve.empty() || key_type != CKK_EC) {
      throw Error(ErrorCode::Unsupported,
                  "the key's curve is not supported (kpki signs with P-256, P-384 and Ed25519)");
    }
    std::size_t field = curve == "P-256" ? 32 : 48;
    Bytes point = unwrap_ec_point(point_attr, 1 + 2 * field);
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    const char* group = curve == "P-256" ? "prime256v1" : "secp384r1";
    if (!bld || !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                          point.size())) {
      throw_openssl_error(ErrorCode::CryptoError, "cannot build the token's EC public key");
    }
    return spki_from_params("EC", bld.get());
  }
  throw Error(ErrorCode::Unsupported,
              "the key's type is not supported (kpki signs with RSA, EC and Ed25519 keys)");
}

std::vector<Pkcs11KeyInfo> list_key_objects(const Pkcs11Session& session) {
  std::vector<Pkcs11KeyInfo> out;
  for (CK_OBJECT_CLASS cls : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY}) {
    for (CK_OBJECT_HANDLE obj : find_objects(session, {Pkcs11Attr::ulong(CKA_CLASS, cls)})) {
      Pkcs11KeyInfo info;
      info.object_class = cls == CKO_PRIVATE_KEY ? "private" : "public";
      auto label = get_attribute(session, obj, CKA_LABEL);
      if (label) info.label.assign(label->begin(), label->end());
      info.id = get_attribute(session, obj, CKA_ID).value_or(Bytes{});
      auto type = get_ulong(session, obj, CKA_KEY_TYPE);
      if (type == CKK_RSA) {
        info.type = "rsa";
        auto n = get_attribute(session, obj, CKA_MODULUS);
        auto bits = get_ulong(session, obj, CKA_MODULUS_BITS);
        if (bits)
          info.size = std::to_string(*bits);
        else if (n)
          info.size = std::to_string(n->size() * 8);
      } else if (type == CKK_EC || type == CKK_EC_EDWARDS) {
        auto params = get_attribute(session, obj, CKA_EC_PARAMS);
        info.size = params ? curve_label(*params) : "";
        info.type = info.size == "Ed25519" || type == CKK_EC_EDWARDS ? "ed25519" : "ec";
        if (info.type == "ed25519" && info.size.empty()) info.size = "Ed25519";
      } else if (type) {
        char buf[24];
        std::snprintf(buf, sizeof buf, "0x%lx", static_cast<unsigned long>(*type));
        info.type = buf;
      }
      if (cls == CKO_PRIVATE_KEY) {
        info.sensitive = get_bool(session, obj, CKA_SENSITIVE);
        info.extractable = get_bool(session, obj, CKA_EXTRACTABLE);
        info.never_extractable = get_bool(session, obj, CKA_NEVER_EXTRACTABLE);
        info.always_sensitive = get_bool(session, obj, CKA_ALWAYS_SENSITIVE);
      }
      info.modifiable = get_bool(session, obj, CKA_MODIFIABLE);
      out.push_back(std::move(info));
    }
  }
  return out;
}

std::string describe_private_keys(const Pkcs11Session& session) {
  std::string out;
  for (const auto& key : list_key_objects(session)) {
    if (key.object_class != "private") continue;
    out += (out.empty() ? "" : ", ") + ("'" + key.label + "' id=" + to_hex(key.id));
  }
  return out.empty() ? "no private keys on the token" : "keys present: " + out;
}

}  // namespace kpki
