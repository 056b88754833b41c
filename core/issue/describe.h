#pragma once
// Machine-readable descriptions of certificates, CSRs and public keys, for `kpki inspect` and
// reports. JSON is the model; text is rendered from it.
#include <nlohmann/json.hpp>
#include <string>

#include "core/util/bytes.h"

namespace kpki {

// Key type and size: {"type":"RSA","bits":2048} / {"type":"EC","curve":"P-256","bits":256}.
nlohmann::ordered_json describe_public_key(ByteView spki_der);

// Detects certificate / CSR / public key (PEM or DER) and describes it; throws InvalidInput
// naming `origin` for anything else.
nlohmann::ordered_json describe_file_content(ByteView content, const std::string& origin);

// Aligned "field: value" text of a description.
std::string render_description_text(const nlohmann::ordered_json& description);

}  // namespace kpki
