#pragma once
// What some backends offer beyond KeyManager, each a separate interface (as smallstep's
// SearchableKeyManager is): listing a device's tokens, listing the keys a URI's token holds.
// Callers find them through KeyRegistry::capability<T>(uri), never by naming a backend class;
// the structs are backend-neutral so the CLI needs no backend header.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/fs/secret.h"
#include "core/keys/key_manager.h"
#include "core/util/bytes.h"

namespace kpki {

// One slot of a device, and the token in it if there is one.
struct TokenInfo {
  unsigned long slot = 0;
  std::string slot_description;
  bool present = false;  // the fields below are empty when false
  std::string label, serial, manufacturer, model;
  std::vector<std::string> flags;  // "login-required", "user-pin-locked", ...
  std::string uri;                 // a key URI prefix that selects this token
};

// One key object on a token.
struct KeyInfo {
  std::string object_class;  // "private" or "public"
  std::string label;
  std::string id_hex;  // CKA_ID (or the backend's equivalent) in lower-case hex
  std::string type;    // "rsa", "ec", "ed25519", or the device's own name
  std::string size;    // "2048", "P-256", "Ed25519", "" when unknown
  std::optional<bool> sensitive, extractable, never_extractable, always_sensitive, modifiable;
};

class TokenLister {
 public:
  virtual ~TokenLister() = default;
  // Every slot of the device `options` names (for PKCS#11, options.pkcs11_module).
  virtual std::vector<TokenInfo> list_tokens(const KeyOptions& options) = 0;
};

class KeyLister {
 public:
  virtual ~KeyLister() = default;
  // The key objects on the token `uri` selects (logging in, so private keys show).
  virtual std::vector<KeyInfo> list_keys(const std::string& uri, const KeyOptions& options) = 0;
};

// Backends whose keys are software keys (file:, botan:) hand one over for moving it onto a token
// (kpki ca import). Nothing else reads a private key out of a backend.
class PrivateKeyReader {
 public:
  virtual ~PrivateKeyReader() = default;
  // The key at `uri` as unencrypted PKCS#8 DER (decrypted with options.passphrase_file). The
  // caller wipes it (WipeOnExit) as soon as it is used.
  virtual Bytes read_private_key(const std::string& uri, const KeyOptions& options) = 0;
};

// Backends that can take an existing private key (PKCS#11 tokens): the key lands as a CA key
// generated there would be (sensitive, not extractable, sign-only), with its public key object.
class KeyImporter {
 public:
  virtual ~KeyImporter() = default;
  // Puts `pkcs8_der` (unencrypted PKCS#8) at `uri`, which names the label (object=) and maybe
  // the id; AlreadyExists when an object with that label or id is there. Returns the new key.
  virtual std::unique_ptr<Signer> import_key(ByteView pkcs8_der, const std::string& uri,
                                             const KeyOptions& options) = 0;
};

// A key whose private half kpki writes to a file itself (a Kubernetes leaf's, a kubeconfig's: the
// programs that read them need the private key), with a Signer over it.
struct ExportableKey {
  std::shared_ptr<const Signer> signer;
  Secret pem;  // unencrypted PKCS#8 PEM
};

// Backends whose keys are software keys (file:, botan:) make such a key in memory, and parse one
// back from its PEM. Both are called from several threads at once (kpki init's key pool).
class ExportableKeys {
 public:
  virtual ~ExportableKeys() = default;
  virtual ExportableKey generate_exportable(Algorithm algorithm) = 0;
  // Parses and checks an unencrypted PEM private key; throws InvalidInput naming `origin`.
  virtual ExportableKey from_pem(const std::string& pem, const std::string& origin) = 0;
};

// Backends whose key generation is not one atomic step: a PKCS#11 token keeps the two halves of
// a pair as separate objects, so a run killed between them leaves one behind (SoftHSM writes each
// to a file of its own). A caller that records a URI before generating there (ca rotate's begin)
// uses this to take only a URI nothing occupies, and to clear what its own interrupted run left.
class PartialKeyRecovery {
 public:
  virtual ~PartialKeyRecovery() = default;
  // True when any object carries the label (or id) `uri` names, half a key pair included.
  virtual bool occupied(const std::string& uri, const KeyOptions& options) = 0;
  // Destroys the key objects labelled as `uri` names unless they make a complete key (which is
  // left alone); returns how many it destroyed.
  virtual size_t remove_partial_key(const std::string& uri, const KeyOptions& options) = 0;
};

}  // namespace kpki
