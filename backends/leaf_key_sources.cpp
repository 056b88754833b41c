#include "backends/leaf_key_sources.h"

#include "backends/backends.h"
#include "core/keys/key_capabilities.h"
#include "core/util/error.h"

namespace kpki {

namespace {

// A thin adapter: RSA keys from one backend's manager, the other algorithms from another, and
// every key file read by `reader`. A key made by a backend other than the reader is opened again
// by the reader from its PEM, so whichever library made a leaf key, it signs (and its file is
// checked) exactly as when kpki init reads it back from disk.
class ManagedLeafKeySource final : public LeafKeySource {
 public:
  ManagedLeafKeySource(ExportableKeys& rsa, ExportableKeys& others, ExportableKeys& reader)
      : rsa_(rsa), others_(others), reader_(reader) {}

  LeafKey generate(Algorithm algorithm) const override {
    ExportableKeys& maker = key_type(algorithm) == KeyType::Rsa ? rsa_ : others_;
    LeafKey key = maker.generate_exportable(algorithm);
    if (&maker == &reader_) return key;
    return reader_.from_pem(key.pem.reveal(),
                            "generated " + std::string(algorithm_name(algorithm)) + " key");
  }
  LeafKey from_pem(const std::string& pem, const std::string& origin) const override {
    return reader_.from_pem(pem, origin);
  }

 private:
  ExportableKeys& rsa_;
  ExportableKeys& others_;
  ExportableKeys& reader_;
};

ExportableKeys& exportable_keys(const char* uri) {
  return key_registry().capability<ExportableKeys>(uri, "make leaf keys");
}

}  // namespace

LeafKeyLibrary parse_leaf_key_library(std::string_view text) {
  if (text == "auto") return LeafKeyLibrary::Auto;
  if (text == "openssl") return LeafKeyLibrary::OpenSsl;
  if (text == "botan") return LeafKeyLibrary::Botan;
  throw Error(ErrorCode::InvalidInput, "unknown leaf key library '" + std::string(text) +
                                           "' (expected auto, openssl, botan)");
}

const LeafKeySource& leaf_key_source(LeafKeyLibrary library) {
  static ExportableKeys& openssl = exportable_keys("file:leaf.key");
  static const ManagedLeafKeySource openssl_only(openssl, openssl, openssl);
  if (library == LeafKeyLibrary::OpenSsl) return openssl_only;
  if (!key_registry().supports("botan")) {
    if (library == LeafKeyLibrary::Botan)
      throw Error(ErrorCode::Unsupported, "leaf key library 'botan': kpki was built without Botan");
    return openssl_only;
  }
  // RSA-2048 here: OpenSSL 3.0 about 170 ms a key, Botan 2.19 about 90 ms; P-256 and Ed25519 keys
  // cost OpenSSL well under a millisecond, so Auto leaves them with it.
  static ExportableKeys& botan = exportable_keys("botan:leaf.key");
  static const ManagedLeafKeySource botan_only(botan, botan, openssl);
  static const ManagedLeafKeySource fastest(botan, openssl, openssl);
  return library == LeafKeyLibrary::Botan ? botan_only : fastest;
}

}  // namespace kpki
