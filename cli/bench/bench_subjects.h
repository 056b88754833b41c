#pragma once
// What the benchmark signs with and issues: keys in a scratch directory (or on the token), a CA
// made from the key under test, and a realistic leaf request (kube-apiserver with SANs).
#include <filesystem>
#include <memory>
#include <string>

#include "cli/bench/bench_model.h"
#include "core/issue/authority.h"

namespace kpki::bench {

// A private directory for the benchmark's key files, removed afterwards.
class BenchScratch {
 public:
  BenchScratch();
  BenchScratch(const BenchScratch&) = delete;
  BenchScratch& operator=(const BenchScratch&) = delete;
  ~BenchScratch();
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

struct BenchKey {
  std::string uri;   // what kpki opens
  std::string path;  // the file, for the library references; "" for token keys
  bool is_file = true;
  std::string token_uri;  // token keys: the pkcs11: URI (generation, raw C_Sign reference)
};

BenchKey bench_key(const std::string& backend, Algorithm algorithm, const BenchOptions& options,
                   const BenchScratch& scratch);

struct IssuanceFixture {
  std::unique_ptr<Authority> authority;
  CertificateRequest leaf;
  Bytes tbs;  // the TBSCertificate of one issued leaf: the message the sign loops sign
};

IssuanceFixture make_issuance_fixture(std::shared_ptr<const Signer> ca_signer);

}  // namespace kpki::bench
