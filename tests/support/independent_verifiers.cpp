#include "tests/support/independent_verifiers.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/util/error.h"
#include "core/x509/public_key.h"
#include "tests/support/test_keys.h"

#ifdef KPKI_WITH_BOTAN
#include <botan/certstor.h>
#include <botan/x509cert.h>
#include <botan/x509path.h>
#endif

namespace kpki::testing {

std::string openssl_verify_signature(const Certificate& certificate, const Certificate& issuer) {
  EvpPkeyPtr key = public_key_from_der(issuer.public_key_der());
  if (X509_verify(certificate.x509(), key.get()) == 1) return "";
  std::string cause = drain_openssl_errors();
  return "X509_verify failed" + (cause.empty() ? "" : ": " + cause);
}

#ifdef KPKI_WITH_BOTAN
bool botan_available() { return true; }

std::string botan_path_validate(const Certificate& certificate, const Certificate& trusted_ca,
                                const std::string& hostname) {
  try {
    auto end_entity = std::make_shared<const Botan::X509_Certificate>(certificate.der().data(),
                                                                      certificate.der().size());
    // Defaults: 110-bit minimum strength (RSA-2048 and up), SHA-2 family trusted, no OCSP.
    Botan::Path_Validation_Restrictions restrictions;
    if (certificate.der() == trusted_ca.der()) {
      // x509_path_validate refuses a self-signed end entity outright, so a root is checked with the
      // chain checker it uses internally: self-signature, validity, CA extensions, key strength.
      Botan::CertificatePathStatusCodes status = Botan::PKIX::check_chain(
          {end_entity}, std::chrono::system_clock::now(), hostname, Botan::Usage_Type::UNSPECIFIED,
          restrictions.minimum_key_strength(), restrictions.trusted_hashes());
      Botan::Certificate_Status_Code overall = Botan::PKIX::overall_status(status);
      return overall == Botan::Certificate_Status_Code::OK
                 ? ""
                 : "Botan: " + std::string(Botan::to_string(overall));
    }
    Botan::Certificate_Store_In_Memory store;
    store.add_certificate(
        Botan::X509_Certificate(trusted_ca.der().data(), trusted_ca.der().size()));
    Botan::Path_Validation_Result result =
        Botan::x509_path_validate(*end_entity, restrictions, store, hostname);
    return result.successful_validation() ? "" : "Botan: " + result.result_string();
  } catch (const std::exception& e) {
    return std::string("Botan: ") + e.what();
  }
}
#else
bool botan_available() { return false; }
std::string botan_path_validate(const Certificate&, const Certificate&, const std::string&) {
  return "Botan is not compiled in";
}
#endif

bool certtool_available() { return std::system("certtool --version >/dev/null 2>&1") == 0; }

std::string certtool_verify(const Certificate& certificate, const Certificate& trusted_ca) {
  TempDir dir;
  std::ofstream(dir.file("ca.pem")) << trusted_ca.pem();
  std::ofstream(dir.file("cert.pem")) << certificate.pem();
  std::string command = "certtool --verify --load-ca-certificate '" + dir.file("ca.pem") +
                        "' --infile '" + dir.file("cert.pem") + "' >'" + dir.file("out") + "' 2>&1";
  int status = std::system(command.c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  std::stringstream output;
  output << std::ifstream(dir.file("out")).rdbuf();
  return "certtool: " + output.str();
}

}  // namespace kpki::testing
