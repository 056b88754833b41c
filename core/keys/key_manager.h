#pragma once
// What a backend offers for keys, in the manner of smallstep's KeyManager: make a key at a URI,
// open an existing one as a Signer, tell whether one exists. Anything more (listing token objects,
// for instance) is a separate capability the backend exposes on its own.
#include <cstddef>
#include <memory>
#include <string>

#include "core/keys/signer.h"
#include "core/x509/algorithm.h"

namespace kpki {

struct KeyOptions {
  // Overwrite an existing key file (file backends). Tokens never overwrite.
  bool force = false;
  // File holding the passphrase that encrypts/decrypts a PKCS#8 key file ("" = unencrypted).
  std::string passphrase_file;
  // PKCS#11 module used when a pkcs11: URI has no module-path ("" = $KPKI_PKCS11_MODULE, then
  // the one module p11-kit registers, or softhsm2; docs/hsm.md).
  std::string pkcs11_module;
  // Signatures a token computes at once (--token-sessions): the sessions kpki opens on it, and the
  // certificates a tree signs at once. 0 = kDefaultTokenSessions. A token that allows fewer
  // sessions (ulMaxSessionCount, ulMaxRwSessionCount) gets fewer.
  std::size_t token_sessions = 0;
};

// Enough for a network HSM's round trips to overlap (16 x 10 ms signatures keep ~1,600 a second
// coming), few enough for the session limits HSMs set per application.
inline constexpr std::size_t kDefaultTokenSessions = 16;

class KeyManager {
 public:
  virtual ~KeyManager() = default;

  // True when a key is present at `uri`.
  virtual bool exists(const std::string& uri, const KeyOptions& options) = 0;

  // Creates a new key; AlreadyExists when one is present (unless options.force, for files).
  virtual std::unique_ptr<Signer> generate(const std::string& uri, Algorithm algorithm,
                                           const KeyOptions& options) = 0;

  // Opens an existing key; NotFound when there is none.
  virtual std::unique_ptr<Signer> open(const std::string& uri, const KeyOptions& options) = 0;
};

}  // namespace kpki
