#pragma once
// The one thing a crypto backend must provide to issue certificates. Core never sees a private key:
// it hands the DER of a TBSCertificate to sign() and gets the signature value back.
#include "core/util/bytes.h"
#include "core/x509/algorithm.h"

namespace kpki {

class Signer {
 public:
  virtual ~Signer() = default;

  // The key's algorithm; it decides the signature algorithm.
  virtual Algorithm algorithm() const = 0;

  // The public key as a DER SubjectPublicKeyInfo.
  virtual const Bytes& public_key_der() const = 0;

  // DER AlgorithmIdentifier of the signatures sign() produces; most backends return
  // signature_algorithm_der(algorithm()).
  virtual const Bytes& signature_algorithm() const = 0;

  // Signs `message` (the DER TBS bytes; the signer hashes). The result is the BIT STRING content of
  // an X.509 signature: PKCS#1 v1.5 block for RSA, DER ECDSA-Sig-Value for ECDSA, 64 bytes for
  // Ed25519. Must be safe to call from several threads at once.
  virtual Bytes sign(ByteView message) const = 0;
};

}  // namespace kpki
