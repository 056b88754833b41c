#pragma once
// The backend-neutral description of a certificate to issue: who it names, what it may do, how
// long it lives, and the public key it certifies. Profiles and Kubernetes trees fill these in.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/bytes.h"
#include "core/util/time_point.h"

namespace kpki {

struct Subject {
  std::string common_name;
  std::vector<std::string> organizations;
  std::vector<std::string> organizational_units;
  std::string country;
  std::string state;
  std::string locality;

  bool operator==(const Subject&) const = default;
};

struct SubjectAltNames {
  std::vector<std::string> dns;
  std::vector<std::string> ips;  // textual IPv4 or IPv6
  std::vector<std::string> uris;
  std::vector<std::string> emails;

  bool empty() const { return dns.empty() && ips.empty() && uris.empty() && emails.empty(); }
  bool operator==(const SubjectAltNames&) const = default;
};

enum class ExtendedKeyUsage { ServerAuth, ClientAuth };

// keyUsage bits, as flags.
enum KeyUsageBits : unsigned {
  kDigitalSignature = 1u << 0,
  kKeyEncipherment = 1u << 1,
  kKeyCertSign = 1u << 2,
  kCrlSign = 1u << 3,
};

struct Validity {
  TimePoint not_before;
  TimePoint not_after;

  // kubeadm's rule: NotBefore = now - 5 minutes (clock skew), NotAfter = now + lifetime.
  // InvalidInput naming `field` when NotAfter would fall past 9999-12-31.
  static Validity from_now(std::chrono::seconds lifetime, std::string_view field = "validity");
};

// start + lifetime, the end of a certificate's or a CRL's validity. InvalidInput naming `field`
// (a flag such as --validity or --next-update) when it falls after kLastX509Time.
TimePoint x509_time_after(TimePoint start, std::chrono::seconds lifetime, std::string_view field);

struct CertificateRequest {
  Subject subject;
  SubjectAltNames sans;
  bool is_ca = false;
  std::optional<int> path_length;  // CAs only; none = unlimited
  unsigned key_usage = 0;          // KeyUsageBits
  std::vector<ExtendedKeyUsage> extended_key_usage;
  Validity validity;
  Bytes subject_public_key;     // DER SubjectPublicKeyInfo
  std::optional<Bytes> serial;  // big-endian, positive; none = random
};

}  // namespace kpki
