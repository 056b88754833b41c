#include "core/x509/spki.h"

#include <openssl/asn1.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>

#include "core/util/error.h"
#include "core/util/ossl_ptr.h"
#include "core/x509/der_writer.h"

namespace kpki {

namespace {

using Asn1BitStringPtr = OsslPtr<ASN1_BIT_STRING, ASN1_BIT_STRING_free>;

struct SpkiParts {
  X509AlgorPtr algorithm;
  Asn1BitStringPtr key;
};

[[noreturn]] void malformed() {
  throw_openssl_error(ErrorCode::InvalidInput, "public key (SubjectPublicKeyInfo) does not parse");
}

// SEQUENCE { AlgorithmIdentifier, BIT STRING } with nothing after it. d2i_X509_PUBKEY would do
// this too, but it also decodes the key, which is the cost this file exists to avoid.
SpkiParts split(ByteView der) {
  const unsigned char* p = der.data();
  const unsigned char* end = der.data() + der.size();
  long length = 0;
  int tag = 0, xclass = 0;
  int flags = ASN1_get_object(&p, &length, &tag, &xclass, static_cast<long>(der.size()));
  if ((flags & 0x80) || tag != V_ASN1_SEQUENCE || !(flags & V_ASN1_CONSTRUCTED) ||
      p + length != end) {
    malformed();
  }
  SpkiParts parts;
  parts.algorithm.reset(d2i_X509_ALGOR(nullptr, &p, end - p));
  if (!parts.algorithm) malformed();
  parts.key.reset(d2i_ASN1_BIT_STRING(nullptr, &p, end - p));
  if (!parts.key || p != end) malformed();
  return parts;
}

// The key types kpki certifies; the parameters must be what RFC 3279/5480/8410 prescribe.
void check_key_algorithm(const X509_ALGOR* algorithm) {
  const ASN1_OBJECT* oid = nullptr;
  int param_type = 0;
  const void* param = nullptr;
  X509_ALGOR_get0(&oid, &param_type, &param, algorithm);
  switch (OBJ_obj2nid(oid)) {
    case NID_rsaEncryption:
      if (param_type == V_ASN1_NULL) return;
      break;
    case NID_X9_62_id_ecPublicKey:
      if (param_type == V_ASN1_OBJECT) return;  // namedCurve; the curve is checked by key policy
      break;
    case NID_ED25519:
      if (param_type == V_ASN1_UNDEF) return;
      break;
    default:
      break;
  }
  throw Error(ErrorCode::InvalidInput,
              "public key type is not supported (RSA, EC on a named curve and Ed25519 are)");
}

}  // namespace

void append_subject_public_key_info(Bytes& out, ByteView spki_der) {
  SpkiParts parts = split(spki_der);
  check_key_algorithm(parts.algorithm.get());
  unsigned char* algorithm = nullptr;
  int algorithm_length = i2d_X509_ALGOR(parts.algorithm.get(), &algorithm);
  if (algorithm_length <= 0)
    throw_openssl_error(ErrorCode::CryptoError, "cannot encode a public key");
  OsslBytesPtr owner(algorithm);
  // What X509_PUBKEY_set0_param writes: the key octets with no unused bits.
  ByteView key(ASN1_STRING_get0_data(parts.key.get()),
               static_cast<size_t>(ASN1_STRING_length(parts.key.get())));
  size_t sequence = der::begin(out, der::kSequence);
  out.insert(out.end(), algorithm, algorithm + algorithm_length);
  der::append_header(out, der::kBitString, key.size() + 1);
  out.push_back(0);
  out.insert(out.end(), key.begin(), key.end());
  der::end(out, sequence);
}

SpkiAlgorithm spki_algorithm(ByteView spki_der) {
  SpkiParts parts = split(spki_der);
  const ASN1_OBJECT* oid = nullptr;
  int param_type = 0;
  const void* param = nullptr;
  X509_ALGOR_get0(&oid, &param_type, &param, parts.algorithm.get());
  int curve =
      param_type == V_ASN1_OBJECT ? OBJ_obj2nid(static_cast<const ASN1_OBJECT*>(param)) : NID_undef;
  return {OBJ_obj2nid(oid), curve};
}

Bytes subject_public_key_bits(ByteView spki_der) {
  SpkiParts parts = split(spki_der);
  const unsigned char* data = ASN1_STRING_get0_data(parts.key.get());
  return Bytes(data, data + ASN1_STRING_length(parts.key.get()));
}

}  // namespace kpki
