#pragma once
// Builds an X.509 v2 CRL (RFC 5280 section 5) for a CA; the CA's Authority signs it through its
// Signer, as certificates are (core/keys/signed_der.h): a CA on a token signs its CRLs on the
// token. The signature is verified with the CA's public key before the CRL is returned.
#include <cstdint>
#include <vector>

#include "core/issue/authority.h"
#include "core/x509/crl.h"

namespace kpki {

struct CrlRequest {
  uint64_t number = 1;  // cRLNumber: monotonically increasing per CA
  TimePoint this_update;
  TimePoint next_update;  // when the next CRL will be out; verifiers refuse this one after it
  std::vector<RevokedEntry> revoked;  // from ledger::Ledger::revoked(), or any list
};

// Issuer name from the CA certificate, cRLNumber, AKI (the CA's SKI), thisUpdate/nextUpdate and
// one entry per revoked certificate (revocation date, reasonCode unless unspecified, which RFC
// 5280 says to omit; removeFromCRL, for delta CRLs only, is refused). Throws InvalidInput for a CA
// whose keyUsage lacks cRLSign (verifiers would refuse its CRLs), nextUpdate not after thisUpdate,
// or a malformed or repeated serial; CryptoError when the signature does not verify.
Crl build_crl(const Authority& ca, const CrlRequest& request,
              const std::string& ca_origin = "CA certificate");

// The TBSCertList build_crl has the Authority sign (Authority::issue_crl), checked as above:
// `ca` with key identifier `key_id`, signed with AlgorithmIdentifier `signature_algorithm`.
Bytes build_crl_tbs(const Certificate& ca, ByteView key_id, const Bytes& signature_algorithm,
                    const CrlRequest& request, const std::string& ca_origin);

}  // namespace kpki
