#pragma once
// Which files under a tree hold a CA's private key, for kpki ca import --remove-source. A copy is
// found by its key, not its bytes: the same key as PKCS#8, SEC1 ("EC PRIVATE KEY"), PKCS#1
// ("RSA PRIVATE KEY"), DER, or with CRLF line endings is the same secret.
#include <string>
#include <vector>

#include "core/kubernetes/plan/plan.h"
#include "core/util/bytes.h"

namespace kpki::kube {

// A removal entry of an import plan: `path` overwritten, fsync'd and unlinked.
PlannedFile planned_key_removal(const std::string& path, const std::string& what);

// Every regular file under `dir` (symlinks not followed) holding the private key whose public key
// is `public_key_der` (to remove); a private key that cannot be read without a passphrase
// (Skip: left in place, said so, since it may be a copy); and a file at one of the CA key's
// paths (`key_rel`, e.g. "pki/ca.key") holding another key (Skip). Sorted by path.
std::vector<PlannedFile> find_key_copies(const std::string& dir, const Bytes& public_key_der,
                                         const std::string& key_rel, const std::string& ca);

}  // namespace kpki::kube
