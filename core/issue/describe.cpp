#include "core/issue/describe.h"
#include "core/util/time_format.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <ctime>
#include <sstream>

#include "core/issue/csr.h"
#include "core/util/display_text.h"
#include "core/util/error.h"
#include "core/util/output_document.h"
#include "core/x509/certificate.h"
#include "core/x509/crl.h"
#include "core/x509/pem.h"
#include "core/x509/public_key.h"
#include "core/x509/x509_names.h"

namespace kpki {

namespace {

using json = nlohmann::ordered_json;

// From the certificate's own field, not a Clock::time_point: those end in 2262.
std::string iso_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (!ASN1_TIME_to_tm(t, &tm)) return "invalid";
  return format_utc(tm, kIsoUtc);
}

// Names come from the file being inspected: escaped, so they can neither drive the terminal nor
// break the JSON encoder (which refuses invalid UTF-8).
std::vector<std::string> printable_all(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) out.push_back(printable(v));
  return out;
}

json subject_json(const Subject& s) {
  json j = {{"commonName", printable(s.common_name)}};
  if (!s.organizations.empty()) j["organization"] = printable_all(s.organizations);
  if (!s.organizational_units.empty())
    j["organizationalUnit"] = printable_all(s.organizational_units);
  if (!s.country.empty()) j["country"] = printable(s.country);
  if (!s.state.empty()) j["state"] = printable(s.state);
  if (!s.locality.empty()) j["locality"] = printable(s.locality);
  j["text"] = printable(subject_to_string(s));
  return j;
}

json sans_json(const SubjectAltNames& sans) {
  return {{"dns", printable_all(sans.dns)},
          {"ip", printable_all(sans.ips)},
          {"uri", printable_all(sans.uris)},
          {"email", printable_all(sans.emails)}};
}

json key_usage_json(X509* x) {
  json out = json::array();
  uint32_t ku = X509_get_key_usage(x);
  if (ku == UINT32_MAX) return out;
  const std::pair<uint32_t, const char*> kNames[] = {{KU_DIGITAL_SIGNATURE, "digitalSignature"},
                                                     {KU_NON_REPUDIATION, "contentCommitment"},
                                                     {KU_KEY_ENCIPHERMENT, "keyEncipherment"},
                                                     {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
                                                     {KU_KEY_AGREEMENT, "keyAgreement"},
                                                     {KU_KEY_CERT_SIGN, "keyCertSign"},
                                                     {KU_CRL_SIGN, "cRLSign"}};
  for (auto [bit, name] : kNames) {
    if (ku & bit) out.push_back(name);
  }
  return out;
}

// A document: apiVersion and kind first, then the description's fields.
json document(const char* kind, const json& body) {
  json j = {{"apiVersion", kOutputApiVersion}, {"kind", kind}};
  for (auto it = body.begin(); it != body.end(); ++it) j[it.key()] = *it;
  return j;
}

json certificate_json(const Certificate& cert) {
  X509* x = cert.x509();
  json j;
  j["subject"] = subject_json(cert.subject());
  j["issuer"] = subject_json(subject_from_x509_name(X509_get_issuer_name(x), "certificate", false));
  j["serial"] = cert.serial_hex();
  j["notBefore"] = iso_time(X509_get0_notBefore(x));
  j["notAfter"] = iso_time(X509_get0_notAfter(x));
  j["subjectAltNames"] = sans_json(cert.subject_alt_names());
  j["keyUsage"] = key_usage_json(x);
  json eku = json::array();
  for (auto usage : cert.extended_key_usage()) {
    eku.push_back(usage == ExtendedKeyUsage::ServerAuth ? "serverAuth" : "clientAuth");
  }
  j["extendedKeyUsage"] = eku;
  long pathlen = X509_get_pathlen(x);
  j["basicConstraints"] = {{"ca", cert.is_ca()}};
  if (cert.is_ca() && pathlen >= 0) j["basicConstraints"]["pathLength"] = pathlen;
  j["signatureAlgorithm"] = OBJ_nid2ln(X509_get_signature_nid(x));
  j["publicKey"] = describe_public_key(cert.public_key_der());
  j["fingerprintSHA256"] = cert.fingerprint_sha256();
  ERR_clear_error();
  return j;
}

json crl_json(const Crl& crl) {
  json revoked = json::array();
  for (const RevokedEntry& entry : crl.revoked())
    revoked.push_back({{"serial", entry.serial},
                       {"revocationDate", format_utc(entry.time, kIsoUtc)},
                       {"reason", std::string(reason_name(entry.reason))}});
  std::optional<std::uint64_t> number = crl.number();
  std::optional<TimePoint> next = crl.next_update();
  json j = {{"issuer", printable(crl.issuer())},
            {"number", number ? json(*number) : json(nullptr)},
            {"thisUpdate", format_utc(crl.this_update(), kIsoUtc)},
            {"nextUpdate", next ? json(format_utc(*next, kIsoUtc)) : json(nullptr)},
            {"signatureAlgorithm", OBJ_nid2ln(X509_CRL_get_signature_nid(crl.x509_crl()))},
            {"revokedCount", revoked.size()},
            {"revoked", revoked}};
  ERR_clear_error();
  return j;
}

json csr_json(const SigningRequest& csr) {
  return {{"subject", subject_json(csr.subject)},
          {"subjectAltNames", sans_json(csr.sans)},
          {"publicKey", describe_public_key(csr.public_key_der)},
          {"signatureValid", true}};
}

void render(std::ostringstream& out, const json& j, const std::string& prefix) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = prefix + it.key();
    if (key == "apiVersion") continue;  // for programs; people read the kind
    if (it->is_array() && !it->empty() && it->front().is_object()) {
      for (const auto& item : *it) {  // one line per entry: "revoked: SERIAL  DATE  REASON"
        std::string values;
        for (const auto& v : item)
          values +=
              (values.empty() ? "" : "  ") + (v.is_string() ? v.get<std::string>() : v.dump());
        out << key << ": " << values << "\n";
      }
      continue;
    }
    if (it->is_object()) {
      if (it->contains("text")) {
        out << key << ": " << (*it)["text"].get<std::string>() << "\n";
      } else {
        render(out, *it, key + ".");
      }
    } else if (it->is_array()) {
      if (it->empty()) continue;
      std::string joined;
      for (const auto& v : *it)
        joined += (joined.empty() ? "" : ", ") + (v.is_string() ? v.get<std::string>() : v.dump());
      out << key << ": " << joined << "\n";
    } else {
      out << key << ": " << (it->is_string() ? it->get<std::string>() : it->dump()) << "\n";
    }
  }
}

}  // namespace

json describe_public_key(ByteView spki_der) {
  EvpPkeyPtr key = public_key_from_der(spki_der);
  json j;
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_RSA:
      j["type"] = "RSA";
      break;
    case EVP_PKEY_EC: {
      j["type"] = "EC";
      char group[64] = {};
      size_t len = 0;
      EVP_PKEY_get_group_name(key.get(), group, sizeof group, &len);
      std::string name(group, len);
      j["curve"] = name == "prime256v1" ? "P-256" : name == "secp384r1" ? "P-384" : name;
      break;
    }
    case EVP_PKEY_ED25519:
      j["type"] = "Ed25519";
      break;
    default:
      j["type"] = OBJ_nid2sn(EVP_PKEY_get_base_id(key.get()));
  }
  j["bits"] = EVP_PKEY_get_bits(key.get());
  return j;
}

json describe_file_content(ByteView content, const std::string& origin) {
  if (!looks_like_pem(content)) {
    // DER: try certificate, then CSR, then public key.
    try {
      return document("Certificate", certificate_json(Certificate::from_der(content, origin)));
    } catch (const Error&) {
    }
    try {
      return document("CertificateRequest", csr_json(parse_csr(content, origin)));
    } catch (const Error&) {
    }
    try {
      return document("CertificateRevocationList", crl_json(Crl::from_der(content, origin)));
    } catch (const Error&) {
    }
    try {
      return document("PublicKey", {{"publicKey", describe_public_key(content)}});
    } catch (const Error&) {
    }
    ERR_clear_error();
    throw Error(ErrorCode::InvalidInput,
                origin + ": not a certificate, CSR, CRL or public key (PEM or DER)");
  }
  auto blocks = decode_pem(content, origin);
  const PemBlock& first = blocks.front();
  if (first.label == "CERTIFICATE")
    return document("Certificate", certificate_json(Certificate::from_der(first.der, origin)));
  if (first.label == "CERTIFICATE REQUEST" || first.label == "NEW CERTIFICATE REQUEST") {
    return document("CertificateRequest", csr_json(parse_csr(content, origin)));
  }
  if (first.label == "X509 CRL")
    return document("CertificateRevocationList", crl_json(Crl::from_der(first.der, origin)));
  if (first.label == "PUBLIC KEY") {
    return document("PublicKey", {{"publicKey", describe_public_key(first.der)}});
  }
  if (first.label.find("PRIVATE KEY") != std::string::npos) {
    // Opening a key is a backend's (cli/cmd_inspect.cpp shows its public part).
    throw Error(ErrorCode::InvalidInput,
                origin + ": is a private key; open it as a key to show its public part");
  }
  throw Error(ErrorCode::InvalidInput, origin + ": unsupported PEM block '" + first.label + "'");
}

json describe_certificate(const Certificate& certificate) { return certificate_json(certificate); }

std::string render_description_text(const json& description) {
  std::ostringstream out;
  render(out, description, "");
  return out.str();
}

}  // namespace kpki
