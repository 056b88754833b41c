#pragma once
// reissue certifies keys with the new CA, so what it works from is checked against what kpki
// itself recorded, not taken from files anyone able to write OUT could have replaced:
//  - the rotation record's old and new CA certificates (OUT/rotation/<ca>.json) must be the ones
//    the ledger holds (init recorded the old one, begin the new one);
//  - each leaf's key must be the public key of a certificate the ledger records for that very
//    file and identity (init, certs renew or an earlier reissue issued it).
#include <string>

#include "core/kubernetes/rotate/rotate.h"
#include "core/kubernetes/tree/issued_keys.h"
#include "core/util/bytes.h"

namespace kpki::kube {

// Throws InvalidInput naming the record file and the certificate that does not match.
void check_rotation_record(const ClusterConfig& config, const RotateOptions& options,
                           const RotationContext& ctx, const KeyRegistry& registry,
                           IssuedKeys& issued);

// Throws InvalidInput naming `path` when the ledger records no certificate for it with this
// subject and public key.
void check_reissued_key(const std::string& path, const LeafSpec& spec, const Bytes& public_key_der,
                        IssuedKeys& issued);

}  // namespace kpki::kube
