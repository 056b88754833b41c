#include "cli/result_documents.h"

#include <openssl/evp.h>

#include <cstdio>

#include "backends/backends.h"
#include "cli/machine_output.h"
#include "core/keys/key_scheme.h"
#include "core/util/display_text.h"
#include "core/util/key_uri_display.h"
#include "core/util/time_format.h"
#include "core/x509/certificate.h"

namespace kpki::cli {

namespace {

// The value of `attribute=` in a token URI's path ("pkcs11:token=T;object=O?..."), "" if absent.
std::string uri_attribute(const std::string& uri, const std::string& attribute) {
  std::string path = uri.substr(0, uri.find('?'));
  path = path.substr(path.find(':') + 1);
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(';', start);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(start, end - start);
    if (part.rfind(attribute + "=", 0) == 0) return part.substr(attribute.size() + 1);
    start = end + 1;
  }
  return "";
}

nlohmann::ordered_json sans_json(const SubjectAltNames& sans) {
  return {{"dns", sans.dns}, {"ip", sans.ips}, {"uri", sans.uris}, {"email", sans.emails}};
}

}  // namespace

nlohmann::ordered_json key_json(const std::string& uri, Algorithm algorithm, bool generated) {
  return {{"uri", redact_key_uri(uri)},
          {"algorithm", std::string(algorithm_name(algorithm))},
          {"generated", generated}};
}

std::string key_message(const std::string& uri, Algorithm algorithm, bool generated) {
  std::string line = std::string(generated ? "generated " : "used existing ") +
                     std::string(algorithm_name(algorithm)) + " key " + redact_key_uri(uri);
  if (!generated) return line;
  if (key_registry().scheme_for(uri).is_token()) {
    return line + " (a new key on token '" + printable(uri_attribute(uri, "token")) +
           "', object '" + printable(uri_attribute(uri, "object")) + "')";
  }
  return line + " (a new key file)";
}

std::string sans_text(const SubjectAltNames& sans) {
  std::string out;
  auto add = [&](const char* kind, const std::vector<std::string>& values) {
    for (const auto& v : values) out += std::string(out.empty() ? "" : ", ") + kind + v;
  };
  add("DNS:", sans.dns);
  add("IP:", sans.ips);
  add("URI:", sans.uris);
  add("email:", sans.emails);
  return printable(out);
}

nlohmann::ordered_json issued_certificate_document(const std::string& path,
                                                   const Certificate& certificate,
                                                   const std::string& profile,
                                                   const nlohmann::ordered_json& key) {
  return output_document("IssuedCertificate",
                         {{"path", path},
                          {"serial", certificate.serial_hex()},
                          {"subject", subject_to_string(certificate.subject())},
                          {"subjectAltNames", sans_json(certificate.subject_alt_names())},
                          {"profile", profile},
                          {"notBefore", format_utc(certificate.not_before(), kIsoUtc)},
                          {"notAfter", format_utc(certificate.not_after(), kIsoUtc)},
                          {"fingerprintSHA256", certificate.fingerprint_sha256()},
                          {"key", key}});
}

std::string issued_certificate_line(const std::string& path, const Certificate& certificate,
                                    const std::string& profile) {
  std::string line =
      "wrote " + path + " (" + profile + ", " + printable(subject_to_string(certificate.subject()));
  std::string sans = sans_text(certificate.subject_alt_names());
  if (!sans.empty()) line += ", " + sans;
  return line + ", serial " + certificate.serial_hex() + ")";
}

}  // namespace kpki::cli
