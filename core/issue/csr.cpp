#include "core/issue/csr.h"

#include <openssl/err.h>

#include "core/fs/file_io.h"
#include "core/keys/certificate_signing.h"
#include "core/keys/signer.h"
#include "core/util/error.h"
#include "core/x509/pem.h"
#include "core/x509/public_key.h"
#include "core/x509/strict_der.h"
#include "core/x509/subject_alt_names.h"
#include "core/x509/x509_names.h"

namespace kpki {

namespace {

X509ReqPtr parse_request(ByteView content, const std::string& origin) {
  require_single_object(content, origin, "CSR");
  Bytes der;
  if (looks_like_pem(content)) {
    for (auto& block : decode_pem(content, origin)) {
      if (block.label == "CERTIFICATE REQUEST" || block.label == "NEW CERTIFICATE REQUEST") {
        der = std::move(block.der);
        break;
      }
    }
    if (der.empty())
      throw Error(ErrorCode::InvalidInput, origin + ": no CERTIFICATE REQUEST block");
  } else {
    der.assign(content.begin(), content.end());
  }
  const unsigned char* p = der.data();
  X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  if (!req) throw_openssl_error(ErrorCode::InvalidInput, origin + ": not a valid PKCS#10 CSR");
  if (p != der.data() + der.size())
    throw Error(ErrorCode::InvalidInput, origin + ": trailing data after the CSR");
  require_canonical_der(req.get(), der, origin);
  // RFC 2986 knows only version 1 (0); anything else is not a CSR this tool understands.
  if (X509_REQ_get_version(req.get()) != 0) {
    throw Error(ErrorCode::InvalidInput, origin + ": unsupported CSR version " +
                                             std::to_string(X509_REQ_get_version(req.get()) + 1) +
                                             " (expected 1)");
  }
  return req;
}

}  // namespace

SigningRequest parse_csr(ByteView content, const std::string& origin) {
  X509ReqPtr req = parse_request(content, origin);
  EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());
  if (!key)
    throw_openssl_error(ErrorCode::InvalidInput, origin + ": CSR public key does not parse");
  if (X509_REQ_verify(req.get(), key) != 1) {
    throw_openssl_error(ErrorCode::InvalidInput, origin + ": CSR signature does not verify");
  }
  SigningRequest out;
  out.public_key_der = public_key_to_der(key);
  out.subject = subject_from_x509_name(X509_REQ_get_subject_name(req.get()), origin, true);
  X509ExtensionStackPtr extensions(X509_REQ_get_extensions(req.get()));
  if (extensions) {
    int critical = 0;
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
        X509V3_get_d2i(extensions.get(), NID_subject_alt_name, &critical, nullptr)));
    if (!names && critical == -2) {
      throw Error(ErrorCode::InvalidInput, origin + ": more than one subjectAltName extension");
    }
    // Present but undecodable: dropping it silently would certify the key without the names the
    // requester asked for, so refuse instead.
    if (!names && critical >= 0) {
      ERR_clear_error();
      throw Error(ErrorCode::InvalidInput, origin + ": subjectAltName extension is malformed");
    }
    if (names) out.sans = sans_from_general_names(names.get(), origin, true);
  }
  try {
    validate_subject_alt_names(out.sans);
  } catch (const Error& e) {
    throw Error(ErrorCode::InvalidInput, origin + ": " + e.message());
  }
  if (out.subject.common_name.empty() && out.sans.empty()) {
    throw Error(ErrorCode::InvalidInput,
                origin + ": CSR has neither a common name nor subjectAltNames");
  }
  ERR_clear_error();
  return out;
}

KeyType check_public_key_policy(ByteView spki_der, const std::string& origin) {
  EvpPkeyPtr key = public_key_from_der(spki_der);
  int bits = EVP_PKEY_get_bits(key.get());
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA:
      if (bits < 2048) {
        throw Error(ErrorCode::InvalidInput, origin + ": RSA-" + std::to_string(bits) +
                                                 " key is weaker than policy (at least 2048 bits)");
      }
      return KeyType::Rsa;
    case EVP_PKEY_EC: {
      char group[64] = {};
      size_t len = 0;
      EVP_PKEY_get_group_name(key.get(), group, sizeof group, &len);
      std::string name(group, len);
      if (name != "prime256v1" && name != "secp384r1" && name != "secp521r1") {
        throw Error(ErrorCode::InvalidInput,
                    origin + ": EC curve '" + name + "' is not allowed (P-256, P-384, P-521)");
      }
      return KeyType::Ec;
    }
    case EVP_PKEY_ED25519:
      return KeyType::Ed25519;
    default:
      throw Error(ErrorCode::InvalidInput, origin + ": public key type is not allowed");
  }
}

SigningRequest load_csr(const std::string& path) { return parse_csr(read_file(path), path); }

std::string make_csr_pem(const Subject& subject, const SubjectAltNames& sans,
                         const Signer& signer) {
  X509ReqPtr req(X509_REQ_new());
  X509NamePtr name = make_x509_name(subject);
  EvpPkeyPtr key = public_key_from_der(signer.public_key_der());
  if (!req || !X509_REQ_set_version(req.get(), 0) ||
      !X509_REQ_set_subject_name(req.get(), name.get()) ||
      !X509_REQ_set_pubkey(req.get(), key.get())) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot build CSR");
  }
  if (!sans.empty()) {
    GeneralNamesPtr names = make_general_names(sans);
    X509ExtensionStackPtr extensions(sk_X509_EXTENSION_new_null());
    X509ExtensionPtr ext(X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()));
    bool pushed = extensions && ext && sk_X509_EXTENSION_push(extensions.get(), ext.get());
    if (pushed) ext.release();  // the stack owns it now
    if (!pushed || !X509_REQ_add_extensions(req.get(), extensions.get())) {
      throw_openssl_error(ErrorCode::CryptoError, "cannot add subjectAltName to CSR");
    }
  }
  // The CSR's signature is over its CertificationRequestInfo, signed like a TBS.
  X509AlgorPtr algorithm;
  {
    const Bytes& der = signer.signature_algorithm();
    const unsigned char* p = der.data();
    algorithm.reset(d2i_X509_ALGOR(nullptr, &p, static_cast<long>(der.size())));
  }
  const ASN1_BIT_STRING* const_sig = nullptr;
  const X509_ALGOR* const_alg = nullptr;
  X509_REQ_get0_signature(req.get(), &const_sig, &const_alg);
  auto* sig = const_cast<ASN1_BIT_STRING*>(const_sig);
  if (!algorithm || !X509_ALGOR_copy(const_cast<X509_ALGOR*>(const_alg), algorithm.get())) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot set CSR signature algorithm");
  }
  unsigned char* info = nullptr;
  int info_len = i2d_re_X509_REQ_tbs(req.get(), &info);
  if (info_len <= 0) throw_openssl_error(ErrorCode::CryptoError, "cannot encode CSR");
  OsslBytesPtr info_owner(info);
  Bytes value = signer.sign(ByteView(info, static_cast<size_t>(info_len)));
  ASN1_BIT_STRING_set(sig, value.data(), static_cast<int>(value.size()));
  sig->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  sig->flags |= ASN1_STRING_FLAG_BITS_LEFT;
  unsigned char* der = nullptr;
  int der_len = i2d_X509_REQ(req.get(), &der);
  if (der_len <= 0) throw_openssl_error(ErrorCode::CryptoError, "cannot encode CSR");
  OsslBytesPtr der_owner(der);
  return encode_pem("CERTIFICATE REQUEST", ByteView(der, static_cast<size_t>(der_len)));
}

}  // namespace kpki
