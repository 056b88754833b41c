#pragma once
// RFC 7512 pkcs11: URIs, the way kpki names keys on tokens. Only the attributes kpki acts on are
// accepted; anything else (unknown, vendor x-, repeated, badly percent-encoded) is an InvalidInput
// error naming the URI, because silently ignoring a selector could pick the wrong token or key.
#include <optional>
#include <string>
#include <string_view>

#include "core/fs/secret.h"
#include "core/util/bytes.h"
#include "core/util/key_uri_display.h"

namespace kpki {

struct Pkcs11Uri {
  // Path attributes (token selectors and object selectors). Empty optional = not given.
  std::optional<std::string> token;
  std::optional<std::string> manufacturer;
  std::optional<std::string> serial;
  std::optional<std::string> model;
  std::optional<std::string> object;  // CKA_LABEL
  std::optional<Bytes> id;            // CKA_ID, raw bytes
  std::optional<std::string> type;    // private, public, cert, secret-key, data

  // Query attributes.
  std::optional<std::string> pin_source;  // path, "file:" prefix already removed
  std::optional<Secret> pin_value;        // never printed
  std::optional<std::string> module_path;
  std::optional<std::string> module_name;  // a name in p11-kit's registry, e.g. "softhsm2"

  // The URI as given, with pin-value masked (redact_key_uri): safe for messages.
  std::string display;

  Pkcs11Uri() = default;
  Pkcs11Uri(Pkcs11Uri&&) = default;
  Pkcs11Uri& operator=(Pkcs11Uri&&) = default;

  bool has_object_selector() const { return object.has_value() || id.has_value(); }
  bool has_token_selector() const {
    return token.has_value() || manufacturer.has_value() || serial.has_value() || model.has_value();
  }
  // "token=kube-ca;object=ca" style description of the object selectors (for messages).
  std::string object_description() const;
};

// Parses `text`; throws InvalidInput naming the (pin-masked) URI.
Pkcs11Uri parse_pkcs11_uri(std::string_view text);

// Lowercase hex ("0a1b...").
std::string to_hex(ByteView bytes);

// Percent-encodes every byte outside RFC 3986 unreserved characters (for printing URIs).
std::string percent_encode(ByteView bytes);

}  // namespace kpki
