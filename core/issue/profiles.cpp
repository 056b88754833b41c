#include "core/issue/profiles.h"

#include <string>

#include "core/util/error.h"

namespace kpki {

Profile parse_profile(std::string_view name) {
  if (name == "ca") return Profile::Ca;
  if (name == "server") return Profile::Server;
  if (name == "client") return Profile::Client;
  if (name == "peer") return Profile::Peer;
  throw Error(ErrorCode::InvalidInput,
              "unknown profile '" + std::string(name) + "' (expected ca, server, client or peer)");
}

std::string_view profile_name(Profile profile) {
  switch (profile) {
    case Profile::Ca:
      return "ca";
    case Profile::Server:
      return "server";
    case Profile::Client:
      return "client";
    case Profile::Peer:
      return "peer";
  }
  return "unknown";
}

void apply_profile(Profile profile, KeyType subject_key_type, CertificateRequest& request) {
  // keyEncipherment names RSA key transport; kubeadm sets it everywhere, but on EC/Ed25519 keys it
  // is meaningless and strict verifiers may frown on it.
  unsigned encipherment = subject_key_type == KeyType::Rsa ? kKeyEncipherment : 0u;
  request.is_ca = profile == Profile::Ca;
  request.extended_key_usage.clear();
  switch (profile) {
    case Profile::Ca:
      // cRLSign: RFC 5280 verifiers (openssl verify -crl_check, Go) refuse CRLs from a CA without
      // it, and kpki signs CRLs with its CAs.
      request.key_usage = kDigitalSignature | encipherment | kKeyCertSign | kCrlSign;
      break;
    case Profile::Server:
      request.key_usage = kDigitalSignature | encipherment;
      request.extended_key_usage = {ExtendedKeyUsage::ServerAuth};
      break;
    case Profile::Client:
      request.key_usage = kDigitalSignature | encipherment;
      request.extended_key_usage = {ExtendedKeyUsage::ClientAuth};
      break;
    case Profile::Peer:
      request.key_usage = kDigitalSignature | encipherment;
      request.extended_key_usage = {ExtendedKeyUsage::ServerAuth, ExtendedKeyUsage::ClientAuth};
      break;
  }
  if (!request.is_ca) request.path_length.reset();
}

}  // namespace kpki
