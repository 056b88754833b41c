#pragma once
// Verifies a certificate against trusted CA certificates the way a TLS peer would: chain,
// validity at a given time, purpose (EKU) and host name or IP, and revocation when CRLs are given.
#include <optional>
#include <string>
#include <vector>

#include "core/x509/certificate.h"
#include "core/x509/crl.h"

namespace kpki {

enum class Purpose { Any, Server, Client };

struct VerifyOptions {
  Purpose purpose = Purpose::Any;
  std::string host;             // DNS name or IP; "" = not checked
  std::optional<TimePoint> at;  // default now
};

struct VerifyResult {
  bool ok = false;
  std::string reason;  // one line, when !ok
};

Purpose parse_purpose(std::string_view text);

// With `crls`, the leaf's issuer must have a CRL there whose signature verifies with that CA and
// whose thisUpdate/nextUpdate window holds `options.at`; a certificate it lists is refused
// ("certificate revoked: serial S, reason R, on T").
VerifyResult verify_certificate(const std::vector<Certificate>& trusted_cas,
                                const Certificate& certificate, const VerifyOptions& options,
                                const std::vector<Crl>& crls = {});

}  // namespace kpki
