#pragma once
// Which library makes a Kubernetes tree's leaf keys. Each is a backend's key manager asked for an
// exportable key (ExportableKeys, core/keys/key_capabilities.h); every choice writes the same
// unencrypted PKCS#8 PEM and signs through OpenSSL (the file backend reads every leaf key file),
// so they differ only in how fast keys are generated.
#include <string_view>

#include "core/keys/leaf_key_source.h"

namespace kpki {

enum class LeafKeyLibrary {
  Auto,     // the fastest measured (docs/backends.md): Botan for RSA when built in, else OpenSSL
  OpenSsl,  // OpenSSL for every algorithm
  Botan,    // Botan for every algorithm
};

// "auto", "openssl" or "botan"; throws InvalidInput naming the accepted values.
LeafKeyLibrary parse_leaf_key_library(std::string_view text);

// Lives as long as the program. Throws Unsupported for Botan in a build without it.
const LeafKeySource& leaf_key_source(LeafKeyLibrary library = LeafKeyLibrary::Auto);

}  // namespace kpki
