#include "backends/pkcs11/pkcs11_uri.h"

#include <array>

#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki {

namespace {

constexpr std::string_view kScheme = "pkcs11:";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

[[noreturn]] void fail(std::string_view uri, const std::string& why) {
  throw Error(ErrorCode::InvalidInput, "invalid PKCS#11 URI '" + redact_key_uri(uri) + "': " + why);
}

// Decodes %XX escapes. Values of pin-value are never quoted in the error.
std::string percent_decode(std::string_view uri, std::string_view name, std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    int hi = i + 1 < value.size() ? hex_value(value[i + 1]) : -1;
    int lo = i + 2 < value.size() ? hex_value(value[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      fail(uri, "bad percent-encoding in attribute '" + std::string(name) + "'");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

template <class T>
void set_once(std::string_view uri, std::string_view name, std::optional<T>& slot, T value) {
  if (slot.has_value()) fail(uri, "attribute '" + std::string(name) + "' is repeated");
  slot = std::move(value);
}

// Splits "a=b<sep>c=d" and hands each decoded pair to `on_attr`.
template <class F>
void for_each_attribute(std::string_view uri, std::string_view part, char sep, F&& on_attr) {
  while (!part.empty()) {
    size_t end = part.find(sep);
    std::string_view item = part.substr(0, end);
    part = end == std::string_view::npos ? std::string_view{} : part.substr(end + 1);
    if (item.empty()) continue;  // tolerate "pkcs11:token=a;" and "?&x"
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      fail(uri, "attribute '" + std::string(item.substr(0, eq)) + "' has no '=value'");
    }
    std::string_view name = item.substr(0, eq);
    on_attr(name, percent_decode(uri, name, item.substr(eq + 1)));
  }
}

}  // namespace

std::string to_hex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string percent_encode(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (auto b : bytes) {
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '-' ||
        b == '.' || b == '_' || b == '~') {
      out += static_cast<char>(b);
    } else {
      out += '%';
      out += kDigits[b >> 4];
      out += kDigits[b & 15];
    }
  }
  return out;
}

std::string Pkcs11Uri::object_description() const {
  std::string out;
  if (object) out += "object=" + *object;
  if (id) out += std::string(out.empty() ? "" : ";") + "id=" + percent_encode(*id);
  return out.empty() ? "(no object selector)" : out;
}

Pkcs11Uri parse_pkcs11_uri(std::string_view text) {
  if (text.substr(0, kScheme.size()) != kScheme) fail(text, "does not start with 'pkcs11:'");
  Pkcs11Uri uri;
  uri.display = redact_key_uri(text);
  std::string_view rest = text.substr(kScheme.size());
  size_t q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view{} : rest.substr(q + 1);
  if (path.find('#') != std::string_view::npos || query.find('#') != std::string_view::npos) {
    fail(text, "fragments ('#') are not allowed");
  }

  for_each_attribute(text, path, ';', [&](std::string_view name, std::string value) {
    if (name == "token") return set_once(text, name, uri.token, std::move(value));
    if (name == "manufacturer") return set_once(text, name, uri.manufacturer, std::move(value));
    if (name == "serial") return set_once(text, name, uri.serial, std::move(value));
    if (name == "model") return set_once(text, name, uri.model, std::move(value));
    if (name == "object") return set_once(text, name, uri.object, std::move(value));
    if (name == "id") return set_once(text, name, uri.id, Bytes(value.begin(), value.end()));
    if (name == "type") {
      static constexpr std::array<std::string_view, 5> kTypes = {"private", "public", "cert",
                                                                 "secret-key", "data"};
      bool known = false;
      for (auto t : kTypes) known = known || value == t;
      if (!known) {
        fail(text, "type '" + value + "' is not one of private, public, cert, secret-key, data");
      }
      return set_once(text, name, uri.type, std::move(value));
    }
    fail(text, "unknown or unsupported path attribute '" + std::string(name) +
                   "' (kpki accepts token, manufacturer, serial, model, object, id, type)");
  });

  for_each_attribute(text, query, '&', [&](std::string_view name, std::string value) {
    if (name == "pin-source") {
      if (value.rfind("file:", 0) == 0) value.erase(0, 5);
      if (value.rfind("//", 0) == 0) value.erase(0, 2);  // file:///run/pin -> /run/pin
      if (value.empty()) fail(text, "pin-source is empty");
      return set_once(text, name, uri.pin_source, std::move(value));
    }
    if (name == "pin-value") {
      if (uri.pin_value) fail(text, "attribute 'pin-value' is repeated");
      uri.pin_value.emplace(std::move(value));
      return;
    }
    if (name == "module-path") {
      if (value.empty()) fail(text, "module-path is empty");
      return set_once(text, name, uri.module_path, std::move(value));
    }
    if (name == "module-name") {
      if (value.empty()) fail(text, "module-name is empty");
      return set_once(text, name, uri.module_name, std::move(value));
    }
    fail(text, "unknown or unsupported query attribute '" + std::string(name) +
                   "' (kpki accepts pin-source, pin-value, module-name, module-path)");
  });
  if (uri.module_name && uri.module_path) {
    fail(text, "give either module-name or module-path, not both");
  }
  if (uri.pin_source && uri.pin_value) fail(text, "give either pin-source or pin-value, not both");
  return uri;
}

}  // namespace kpki
