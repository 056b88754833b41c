#pragma once
// The certificate kinds kpki knows: ca, server (serverAuth), client (clientAuth), peer (both).
// A profile owns basicConstraints, keyUsage and EKU; nothing a CSR says overrides it.
#include <string_view>

#include "core/x509/algorithm.h"
#include "core/x509/certificate_request.h"

namespace kpki {

enum class Profile { Ca, Server, Client, Peer };

// Throws InvalidInput naming the accepted profiles.
Profile parse_profile(std::string_view name);
std::string_view profile_name(Profile profile);

// Sets is_ca, key_usage and extended_key_usage on `request` for `profile`. keyEncipherment is only
// set for RSA subject keys (it has no meaning for EC or Ed25519 keys).
void apply_profile(Profile profile, KeyType subject_key_type, CertificateRequest& request);

}  // namespace kpki
