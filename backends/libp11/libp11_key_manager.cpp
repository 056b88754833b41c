#include "backends/libp11/libp11_key_manager.h"

#include <openssl/x509.h>

#include <cstring>

#include "backends/libp11/libp11_context.h"
#include "backends/libp11/libp11_object_filter.h"
#include "backends/libp11/libp11_signer.h"
#include "backends/pkcs11/module_leaks.h"
#include "backends/pkcs11/pkcs11_key_manager.h"
#include "backends/pkcs11/pkcs11_objects.h"
#include "core/util/error.h"

namespace kpki {

namespace {

constexpr std::string_view kLibp11Scheme = "libp11:";

// The URI parsed as the pkcs11: URI it mirrors, displayed with its own scheme.
Pkcs11Uri parse_libp11_uri(const std::string& text) {
  if (text.compare(0, kLibp11Scheme.size(), kLibp11Scheme) != 0) {
    throw Error(ErrorCode::InvalidInput, "key URI does not start with 'libp11:'");
  }
  Pkcs11Uri uri = parse_pkcs11_uri("pkcs11:" + text.substr(kLibp11Scheme.size()));
  uri.display = "libp11:" + uri.display.substr(std::string_view("pkcs11:").size());
  if (!uri.has_object_selector()) {
    throw Error(ErrorCode::InvalidInput,
                "key URI '" + uri.display + "' names no key: add object=LABEL (and/or id=)");
  }
  if (uri.type && *uri.type != "private" && *uri.type != "public") {
    throw Error(ErrorCode::InvalidInput, "key URI '" + uri.display + "' has type=" + *uri.type +
                                             "; a key pair is type=private");
  }
  return uri;
}

struct Libp11Target {
  Pkcs11Uri uri;
  Pkcs11Token* token;
  Libp11Context* context;
};

// Module checked and loaded, token found and logged in by the shared raw-driver code; then the
// libp11 context on the same module.
Libp11Target resolve_libp11(const std::string& text, const KeyOptions& options) {
  Libp11Target t{parse_libp11_uri(text), nullptr, nullptr};
  Pkcs11Module& module = Pkcs11Module::get(pkcs11_module_path(t.uri, options.pkcs11_module));
  t.token = &Pkcs11Token::find(module, t.uri);
  t.token->login(t.uri);
  { Pkcs11Session touch = t.token->acquire(); }  // a forked child re-initialises raw first
  t.context = &Libp11Context::get(module);
  return t;
}

bool key_matches(const PKCS11_KEY& key, const Pkcs11Uri& uri) {
  if (uri.object && (!key.label || *uri.object != key.label)) return false;
  if (uri.id &&
      (key.id_len != uri.id->size() || std::memcmp(key.id, uri.id->data(), key.id_len) != 0)) {
    return false;
  }
  return true;
}

// The private key libp11 finds for the URI, or null. Holds the context's lock: libp11 caches the
// key list per slot and PKCS11_KEY pointers die with the next enumeration.
EvpPkeyPtr find_key(Libp11Target& t, Bytes* spki) {
  std::lock_guard lock(t.context->mutex());
  KPKI_IGNORE_MODULE_LEAKS();
  PKCS11_SLOT* slot = t.context->find_slot(t.uri);
  PKCS11_KEY* keys = nullptr;
  unsigned int count = 0;
  if (PKCS11_enumerate_keys(slot->token, &keys, &count) != 0) {
    throw_openssl_error(ErrorCode::DeviceError,
                        "libp11 cannot list the keys of " + t.token->name() +
                            (t.context->filtered() ? "" : " (a key type libp11 0.4.12 lacks?)"));
  }
  PKCS11_KEY* match = nullptr;
  for (unsigned int i = 0; i < count; ++i) {
    if (!key_matches(keys[i], t.uri)) continue;
    if (match) {
      throw Error(ErrorCode::InvalidInput,
                  "several private keys match '" + t.uri.display + "'; add id= to pick one");
    }
    match = &keys[i];
  }
  if (!match) return nullptr;
  EvpPkeyPtr key(PKCS11_get_private_key(match));
  if (!key) {
    throw_openssl_error(ErrorCode::DeviceError, "libp11 cannot use key '" + t.uri.display + "'");
  }
  if (spki) {
    // The public key object when there is one; an RSA private key carries n and e itself.
    EvpPkeyPtr pub(PKCS11_get_public_key(match));
    EVP_PKEY* from = pub ? pub.get() : key.get();
    unsigned char* der = nullptr;
    int len = i2d_PUBKEY(from, &der);
    if (len <= 0) {
      throw_openssl_error(ErrorCode::DeviceError,
                          "libp11 gives no public key for '" + t.uri.display + "'");
    }
    spki->assign(der, der + len);
    OPENSSL_free(der);
  }
  return key;
}

// Why libp11 found nothing: a key it cannot use (Ed25519) gets Unsupported, else NotFound.
[[noreturn]] void throw_not_found(Libp11Target& t) {
  Pkcs11Session session = t.token->acquire();
  std::vector<Pkcs11Attr> q = {Pkcs11Attr::ulong(CKA_CLASS, CKO_PRIVATE_KEY)};
  if (t.uri.object) q.push_back(Pkcs11Attr::text(CKA_LABEL, *t.uri.object));
  if (t.uri.id) q.push_back(Pkcs11Attr::bytes(CKA_ID, *t.uri.id));
  for (CK_OBJECT_HANDLE h : find_objects(session, q)) {
    if (!libp11_understands_key_type(get_ulong(session, h, CKA_KEY_TYPE).value_or(CKK_RSA))) {
      throw Error(ErrorCode::Unsupported,
                  "key '" + t.uri.display +
                      "' is of a type libp11 0.4.12 cannot use (only RSA and ECDSA; for Ed25519 "
                      "use pkcs11:)");
    }
  }
  throw Error(ErrorCode::NotFound, "no private key matching " + t.uri.object_description() +
                                       " on " + t.token->name() + " (through libp11)");
}

// libp11 0.4.12 would log in for each signature itself, with a PIN asked through an OpenSSL UI
// callback shared by the whole context: outside kpki's PIN flag checks and its stop after one
// wrong PIN. The pkcs11: driver does it (Pkcs11Token::context_login).
void refuse_always_authenticate(Libp11Target& t) {
  Pkcs11Session session = t.token->acquire();
  std::vector<Pkcs11Attr> q = {Pkcs11Attr::ulong(CKA_CLASS, CKO_PRIVATE_KEY)};
  if (t.uri.object) q.push_back(Pkcs11Attr::text(CKA_LABEL, *t.uri.object));
  if (t.uri.id) q.push_back(Pkcs11Attr::bytes(CKA_ID, *t.uri.id));
  for (CK_OBJECT_HANDLE h : find_objects(session, q)) {
    if (get_bool(session, h, CKA_ALWAYS_AUTHENTICATE).value_or(false)) {
      throw Error(ErrorCode::Unsupported,
                  "key '" + t.uri.display +
                      "' requires a PIN for every signature (CKA_ALWAYS_AUTHENTICATE), which the "
                      "libp11 backend does not handle (libp11 0.4.12 would ask for it outside "
                      "kpki's PIN checks); use the same URI with pkcs11:");
    }
  }
}

}  // namespace

bool Libp11KeyManager::exists(const std::string& uri, const KeyOptions& options) {
  Libp11Target t = resolve_libp11(uri, options);
  return find_key(t, nullptr) != nullptr;
}

std::unique_ptr<Signer> Libp11KeyManager::generate(const std::string& uri, Algorithm algorithm,
                                                   const KeyOptions&) {
  Pkcs11Uri parsed = parse_libp11_uri(uri);
  std::string why =
      key_type(algorithm) == KeyType::Rsa
          ? "libp11 0.4.12's RSA generator makes keys that may also decrypt and unwrap, and "
            "closes every other session on the slot"
          : "libp11 0.4.12 cannot generate " + std::string(algorithm_name(algorithm)) + " keys";
  throw Error(ErrorCode::Unsupported, "the libp11 backend does not generate keys (" + why +
                                          "); generate with pkcs11: and open with libp11: (key "
                                          "URI '" +
                                          parsed.display + "')");
}

std::unique_ptr<Signer> Libp11KeyManager::open(const std::string& uri, const KeyOptions& options) {
  Libp11Target t = resolve_libp11(uri, options);
  Bytes spki;
  EvpPkeyPtr key = find_key(t, &spki);
  if (!key) throw_not_found(t);
  refuse_always_authenticate(t);
  Libp11Signer::Reopen reopen = [uri, options](Bytes* spki) {
    Libp11Target again = resolve_libp11(uri, options);
    return find_key(again, spki);
  };
  return std::make_unique<Libp11Signer>(*t.token, std::move(key), std::move(spki), t.uri.display,
                                        std::move(reopen));
}

}  // namespace kpki
