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

namespace {

void push_extension(STACK_OF(X509_EXTENSION) * stack, int nid, int critical, void* value,
                    const char* what) {
  X509ExtensionPtr ext(X509V3_EXT_i2d(nid, critical, value));
  if (!ext || !sk_X509_EXTENSION_push(stack, ext.get()))
    throw_openssl_error(ErrorCode::CryptoError, std::string("cannot add ") + what + " to CSR");
  ext.release();  // the stack owns it now
}

void push_usages(STACK_OF(X509_EXTENSION) * stack, const CertificateRequest& request) {
  OsslPtr<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free> bc(BASIC_CONSTRAINTS_new());
  if (!bc) throw_openssl_error(ErrorCode::CryptoError, "cannot build basicConstraints");
  bc->ca = request.is_ca ? 0xff : 0;
  push_extension(stack, NID_basic_constraints, 1, bc.get(), "basicConstraints");
  if (request.key_usage != 0) {
    OsslPtr<ASN1_BIT_STRING, ASN1_BIT_STRING_free> bits(ASN1_BIT_STRING_new());
    // Bit numbers from RFC 5280 4.2.1.3, as the certificate builder sets them.
    const std::pair<unsigned, int> kBits[] = {
        {kDigitalSignature, 0}, {kKeyEncipherment, 2}, {kKeyCertSign, 5}, {kCrlSign, 6}};
    for (auto [flag, bit] : kBits) {
      if ((request.key_usage & flag) && !ASN1_BIT_STRING_set_bit(bits.get(), bit, 1))
        throw_openssl_error(ErrorCode::CryptoError, "cannot build keyUsage");
    }
    push_extension(stack, NID_key_usage, 1, bits.get(), "keyUsage");
  }
  if (!request.extended_key_usage.empty()) {
    OsslPtr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free> eku(sk_ASN1_OBJECT_new_null());
    for (auto usage : request.extended_key_usage) {
      int nid = usage == ExtendedKeyUsage::ServerAuth ? NID_server_auth : NID_client_auth;
      if (!eku || sk_ASN1_OBJECT_push(eku.get(), OBJ_nid2obj(nid)) <= 0)
        throw_openssl_error(ErrorCode::CryptoError, "cannot build extendedKeyUsage");
    }
    push_extension(stack, NID_ext_key_usage, 0, eku.get(), "extendedKeyUsage");
  }
}

std::string sign_csr(const Subject& subject, const SubjectAltNames& sans,
                     const CertificateRequest* usages, const Signer& signer) {
  X509ReqPtr req(X509_REQ_new());
  X509NamePtr name = make_x509_name(subject);
  EvpPkeyPtr key = public_key_from_der(signer.public_key_der());
  if (!req || !X509_REQ_set_version(req.get(), 0) ||
      !X509_REQ_set_subject_name(req.get(), name.get()) ||
      !X509_REQ_set_pubkey(req.get(), key.get())) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot build CSR");
  }
  X509ExtensionStackPtr extensions(sk_X509_EXTENSION_new_null());
  if (!extensions) throw_openssl_error(ErrorCode::CryptoError, "cannot build CSR");
  if (!sans.empty()) {
    GeneralNamesPtr names = make_general_names(sans);
    push_extension(extensions.get(), NID_subject_alt_name, 0, names.get(), "subjectAltName");
  }
  if (usages) push_usages(extensions.get(), *usages);
  if (sk_X509_EXTENSION_num(extensions.get()) > 0 &&
      !X509_REQ_add_extensions(req.get(), extensions.get())) {
    throw_openssl_error(ErrorCode::CryptoError, "cannot add extensions to CSR");
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

}  // namespace

std::string make_csr_pem(const Subject& subject, const SubjectAltNames& sans,
                         const Signer& signer) {
  return sign_csr(subject, sans, nullptr, signer);
}

std::string make_csr_pem(const CertificateRequest& request, const Signer& signer) {
  if (request.subject_public_key != signer.public_key_der())
    throw Error(ErrorCode::InvalidInput, "CSR: the request's public key is not the signer's");
  return sign_csr(request.subject, request.sans, &request, signer);
}

}  // namespace kpki
