#include "backends/pkcs11/pkcs11_key_manager.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "core/x509/public_key.h"

#include "backends/pkcs11/ck_error.h"
#include "backends/pkcs11/pkcs11_import.h"
#include "backends/pkcs11/pkcs11_keygen.h"
#include "backends/pkcs11/pkcs11_module_file.h"
#include "backends/pkcs11/pkcs11_signer.h"
#include "backends/pkcs11/pkcs11_uri.h"
#include "backends/pkcs11/pkcs11_warning.h"

namespace kpki {

namespace {

// A URI resolved to its token (lending --token-sessions sessions at once), logged in.
struct Target {
  Pkcs11Uri uri;
  Pkcs11Token* token;
};

Target resolve(const std::string& text, const KeyOptions& options, bool need_object) {
  Target t{parse_pkcs11_uri(text), nullptr};
  if (need_object && !t.uri.has_object_selector()) {
    throw Error(ErrorCode::InvalidInput,
                "key URI '" + t.uri.display + "' names no key: add object=LABEL (and/or id=)");
  }
  if (t.uri.type && *t.uri.type != "private" && *t.uri.type != "public") {
    throw Error(ErrorCode::InvalidInput, "key URI '" + t.uri.display + "' has type=" + *t.uri.type +
                                             "; a key pair is type=private");
  }
  Pkcs11Module& module = Pkcs11Module::get(pkcs11_module_path(t.uri, options.pkcs11_module));
  t.token = &Pkcs11Token::find(module, t.uri);
  t.token->limit_sessions(options.token_sessions ? options.token_sessions : kDefaultTokenSessions);
  t.token->login(t.uri);
  return t;
}

std::vector<Pkcs11Attr> private_key_query(const Pkcs11Uri& uri) {
  std::vector<Pkcs11Attr> q = {Pkcs11Attr::ulong(CKA_CLASS, CKO_PRIVATE_KEY)};
  if (uri.object) q.push_back(Pkcs11Attr::text(CKA_LABEL, *uri.object));
  if (uri.id) q.push_back(Pkcs11Attr::bytes(CKA_ID, *uri.id));
  return q;
}

// The SPKI of the private key `key`: from its public key object (same CKA_ID, else same label),
// or, for RSA, from the modulus and exponent the private key object carries.
Bytes find_public_key(const Pkcs11Session& session, CK_OBJECT_HANDLE key,
                      const std::optional<std::string>& label, const Bytes& id,
                      const std::string& display) {
  std::vector<Pkcs11Attr> q = {Pkcs11Attr::ulong(CKA_CLASS, CKO_PUBLIC_KEY)};
  if (!id.empty()) {
    q.push_back(Pkcs11Attr::bytes(CKA_ID, id));
  } else if (label) {
    q.push_back(Pkcs11Attr::text(CKA_LABEL, *label));
  }
  auto found = q.size() > 1 ? find_objects(session, q) : std::vector<CK_OBJECT_HANDLE>{};
  if (found.size() == 1) return public_key_spki(session, found.front());
  if (get_ulong(session, key, CKA_KEY_TYPE) == CKK_RSA) return public_key_spki(session, key);
  throw Error(ErrorCode::NotFound, "no public key object for key '" + display +
                                       "' on the token (kpki needs it to build certificates)");
}

// A CA key should only sign. One that can leave the token or also decrypt, unwrap or derive was
// not made by kpki (or was changed since); it still works, but the user should know.
void warn_about_extra_uses(const Pkcs11Session& session, CK_OBJECT_HANDLE key,
                           const std::string& display) {
  std::string extra;
  auto check = [&](CK_ATTRIBUTE_TYPE type, const char* what) {
    if (get_bool(session, key, type).value_or(false))
      extra += (extra.empty() ? "" : ", ") + std::string(what);
  };
  check(CKA_EXTRACTABLE, "extractable");
  check(CKA_DECRYPT, "decrypt");
  check(CKA_UNWRAP, "unwrap");
  check(CKA_DERIVE, "derive");
  if (!extra.empty()) {
    pkcs11_warn("key '" + display + "' allows more than signing (" + extra +
                "); a CA key on a token should be non-extractable and sign-only");
  }
}

// The CKA_ID of a key about to be made at `t`: the URI's id=, else 16 random bytes. The URI must
// name the label (object=), which both halves get.
Bytes new_key_id(const Target& t, const std::string& verb) {
  if (!t.uri.object) {
    throw Error(ErrorCode::InvalidInput,
                "key URI '" + t.uri.display + "' needs object=LABEL to " + verb + " a key");
  }
  Bytes id = t.uri.id.value_or(Bytes{});
  if (id.empty()) {
    id.resize(16);
    if (RAND_bytes(id.data(), static_cast<int>(id.size())) != 1) {
      throw_openssl_error(ErrorCode::CryptoError, "cannot make a random CKA_ID");
    }
  }
  return id;
}

// Refuse a second object with the same label or id: lookups would be ambiguous.
void refuse_existing(const Pkcs11Session& session, const Target& t, const Bytes& id) {
  if (!find_objects(session, {Pkcs11Attr::text(CKA_LABEL, *t.uri.object)}).empty()) {
    throw Error(ErrorCode::AlreadyExists, "an object labelled '" + *t.uri.object +
                                              "' already exists on " + t.token->name() +
                                              " (key URI '" + t.uri.display + "')");
  }
  if (!find_objects(session, {Pkcs11Attr::bytes(CKA_ID, id)}).empty()) {
    throw Error(ErrorCode::AlreadyExists, "an object with id " + to_hex(id) +
                                              " already exists on " + t.token->name() +
                                              " (key URI '" + t.uri.display + "')");
  }
}

// Unencrypted PKCS#8 DER -> OpenSSL key, checked (a corrupt key must not reach the token).
EvpPkeyPtr parse_pkcs8(ByteView der) {
  const unsigned char* p = der.data();
  OsslPtr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free> info(
      d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
  EvpPkeyPtr key(info ? EVP_PKCS82PKEY(info.get()) : nullptr);
  if (!key) throw_openssl_error(ErrorCode::InvalidInput, "the key to import is not PKCS#8");
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!ctx || EVP_PKEY_pairwise_check(ctx.get()) != 1) {
    throw_openssl_error(ErrorCode::InvalidInput,
                        "the key to import is corrupt (private and public parts disagree)");
  }
  return key;
}

}  // namespace

std::string pkcs11_module_path(const Pkcs11Uri& uri, const std::string& option_module) {
  if (uri.module_name) return pkcs11_module_for_name(*uri.module_name);
  if (uri.module_path && !uri.module_path->empty()) return *uri.module_path;
  if (!option_module.empty()) return option_module;
  const char* env = std::getenv("KPKI_PKCS11_MODULE");
  if (env && *env) return env;
  return pkcs11_default_module();
}

bool Pkcs11KeyManager::exists(const std::string& uri, const KeyOptions& options) {
  Target t = resolve(uri, options, true);
  Pkcs11Session session = t.token->acquire();
  return !find_objects(session, private_key_query(t.uri)).empty();
}

std::unique_ptr<Signer> Pkcs11KeyManager::generate(const std::string& uri, Algorithm algorithm,
                                                   const KeyOptions& options) {
  Target t = resolve(uri, options, true);
  Bytes id = new_key_id(t, "generate");
  Pkcs11Session session = t.token->acquire();
  refuse_existing(session, t, id);
  Pkcs11KeyPair pair = generate_key_pair(*t.token, session, algorithm, *t.uri.object, id);
  if (algorithm == Algorithm::Ed25519) {
    // libp11 0.4.12 cannot list such a token's keys, and OpenSSL's pkcs11 engine built on it
    // crashes signing with the token's other keys (docs/hsm.md).
    pkcs11_warn("an Ed25519 key on " + t.token->name() +
                " breaks libp11-based tools (OpenSSL's pkcs11 engine, libp11 0.4.12) for every "
                "key on that token; kpki's pkcs11: and libp11: still work");
  }
  Bytes spki = public_key_spki(session, pair.public_key);
  return std::make_unique<Pkcs11Signer>(*t.token, pair.private_key, session.generation(),
                                        t.uri.object, std::move(id), std::move(spki),
                                        t.uri.display);
}

std::unique_ptr<Signer> Pkcs11KeyManager::open(const std::string& uri, const KeyOptions& options) {
  Target t = resolve(uri, options, true);
  Pkcs11Session session = t.token->acquire();
  auto found = find_objects(session, private_key_query(t.uri));
  if (found.empty()) {
    throw Error(ErrorCode::NotFound, "no private key matching " + t.uri.object_description() +
                                         " on " + t.token->name() + " (" +
                                         describe_private_keys(session) + ")");
  }
  if (found.size() > 1) {
    throw Error(ErrorCode::InvalidInput, "several private keys match '" + t.uri.display +
                                             "'; add id= to pick one (" +
                                             describe_private_keys(session) + ")");
  }
  CK_OBJECT_HANDLE key = found.front();
  // A key that wants the PIN again before every signature (a PIV card's signature slot) gets it
  // from the URI's PIN source each time (Pkcs11Token::context_login).
  std::optional<PinSource> context_pin;
  if (get_bool(session, key, CKA_ALWAYS_AUTHENTICATE).value_or(false)) {
    context_pin = PinSource::from_uri(t.uri);
  }
  warn_about_extra_uses(session, key, t.uri.display);
  auto label_bytes = get_attribute(session, key, CKA_LABEL);
  std::optional<std::string> label;
  if (label_bytes) label.emplace(label_bytes->begin(), label_bytes->end());
  Bytes id = get_attribute(session, key, CKA_ID).value_or(Bytes{});
  Bytes spki = find_public_key(session, key, label, id, t.uri.display);
  return std::make_unique<Pkcs11Signer>(*t.token, key, session.generation(), std::move(label),
                                        std::move(id), std::move(spki), t.uri.display,
                                        std::move(context_pin));
}

std::unique_ptr<Signer> Pkcs11KeyManager::import_key(ByteView pkcs8_der, const std::string& uri,
                                                     const KeyOptions& options) {
  // Everything about the key is checked before the token is touched.
  EvpPkeyPtr key = parse_pkcs8(pkcs8_der);
  Bytes spki = public_key_to_der(key.get());
  Algorithm algorithm = algorithm_of_public_key(spki);
  if (algorithm == Algorithm::Ed25519) {
    throw Error(ErrorCode::Unsupported,
                "importing Ed25519 keys onto a token is not supported (RSA and EC P-256/P-384 "
                "are): keep an Ed25519 CA key as a file, or make a new CA key on the token");
  }
  Target t = resolve(uri, options, true);
  Bytes id = new_key_id(t, "import");
  Pkcs11Session session = t.token->acquire();
  refuse_existing(session, t, id);
  Pkcs11KeyPair pair = import_key_pair(*t.token, session, key.get(), algorithm, *t.uri.object, id);
  // The token's own view of the key is what certificates will name.
  Bytes token_spki = public_key_spki(session, pair.public_key);
  if (token_spki != spki) {
    session.fn()->C_DestroyObject(session.handle(), pair.private_key);
    session.fn()->C_DestroyObject(session.handle(), pair.public_key);
    throw Error(ErrorCode::DeviceError, t.token->name() + " stored a different public key for '" +
                                            t.uri.display + "' than the one imported");
  }
  return std::make_unique<Pkcs11Signer>(*t.token, pair.private_key, session.generation(),
                                        t.uri.object, std::move(id), std::move(spki),
                                        t.uri.display);
}

bool Pkcs11KeyManager::occupied(const std::string& uri, const KeyOptions& options) {
  Target t = resolve(uri, options, true);
  Pkcs11Session session = t.token->acquire();
  if (t.uri.object && !find_objects(session, {Pkcs11Attr::text(CKA_LABEL, *t.uri.object)}).empty())
    return true;
  return t.uri.id && !find_objects(session, {Pkcs11Attr::bytes(CKA_ID, *t.uri.id)}).empty();
}

size_t Pkcs11KeyManager::remove_partial_key(const std::string& uri, const KeyOptions& options) {
  Target t = resolve(uri, options, true);
  if (!t.uri.object)
    throw Error(ErrorCode::InvalidInput, "key URI '" + t.uri.display + "' needs object=LABEL");
  try {
    open(uri, options);
    return 0;  // a whole key: not ours to remove
  } catch (const Error& e) {
    if (e.code() != ErrorCode::NotFound) throw;
  }
  Pkcs11Session session = t.token->acquire();
  size_t removed = 0;
  for (CK_OBJECT_CLASS object_class : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY}) {
    for (CK_OBJECT_HANDLE object :
         find_objects(session, {Pkcs11Attr::ulong(CKA_CLASS, object_class),
                                Pkcs11Attr::text(CKA_LABEL, *t.uri.object)})) {
      check_ck(
          session.fn()->C_DestroyObject(session.handle(), object),
          "cannot remove half a key pair labelled '" + *t.uri.object + "' from " + t.token->name());
      ++removed;
    }
  }
  return removed;
}

std::vector<TokenInfo> Pkcs11KeyManager::list_tokens(const KeyOptions& options) {
  std::vector<TokenInfo> out;
  for (const auto& s :
       list_slots(Pkcs11Module::get(pkcs11_module_path(Pkcs11Uri{}, options.pkcs11_module)))) {
    TokenInfo t;
    t.slot = s.slot_id;
    t.slot_description = s.slot_description;
    t.present = s.token_present;
    if (s.token_present) {
      t.label = s.label;
      t.serial = s.serial;
      t.manufacturer = s.manufacturer;
      t.model = s.model;
      t.flags = token_flag_names(s.token_flags);
      t.uri = "pkcs11:token=" + percent_encode(as_bytes(s.label)) +
              ";serial=" + percent_encode(as_bytes(s.serial));
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<KeyInfo> Pkcs11KeyManager::list_keys(const std::string& uri,
                                                 const KeyOptions& options) {
  Target t = resolve(uri, options, false);
  Pkcs11Session session = t.token->acquire();
  std::vector<KeyInfo> out;
  for (auto& k : list_key_objects(session)) {
    out.push_back({std::move(k.object_class), std::move(k.label), to_hex(k.id), std::move(k.type),
                   std::move(k.size), k.sensitive, k.extractable, k.never_extractable,
                   k.always_sensitive, k.modifiable});
  }
  return out;
}

}  // namespace kpki
