#pragma once
// Shared test helpers: fresh OpenSSL keys as Signers, temp directories, running the kpki binary.
#include <memory>
#include <string>

#include "core/issue/authority.h"
#include "core/keys/signer.h"
#include "core/x509/certificate.h"
#include "core/x509/certificate_request.h"

namespace kpki::testing {

// A fresh OpenSSL key in memory, made as kpki makes leaf keys (the file backend).
std::shared_ptr<const Signer> make_signer(Algorithm algorithm);

// A temporary directory removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes a passphrase, PIN or key file as kpki requires one: mode 0600.
void write_private_file(const std::string& path, const std::string& content);

struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};

// Runs a shell command line; output captured.
CommandResult run_command(const std::string& command_line);

// Path of the kpki binary under test.
std::string kpki_binary();

// gtest parameter names for Algorithm values: "rsa2048", "ecdsap256", ...
struct AlgorithmParamName {
  template <class ParamInfo>
  std::string operator()(const ParamInfo& info) const {
    std::string name(algorithm_name(info.param));
    std::erase(name, '-');
    return name;
  }
};

// A self-signed CA certificate for `signer`.
Certificate make_test_ca(const Signer& signer, const std::string& cn = "test-ca");
// An Authority's options: what it records with (null: nothing), its key's URI, its policy and
// the origin its errors name.
AuthorityOptions authority_options(
    IssuanceRecorder* recorder, std::string key_uri = "",
    std::shared_ptr<const IssuancePolicy> policy = trusted_requests(),
    std::string origin = "CA certificate");
// What make_test_ca self-signs: CN=`cn`, the ca profile, one year.
CertificateRequest test_ca_request(const Signer& signer, const std::string& cn = "test-ca");

}  // namespace kpki::testing
