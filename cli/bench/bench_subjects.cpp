#include "cli/bench/bench_subjects.h"

#include <stdlib.h>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/issue/profiles.h"
#include "core/util/error.h"
#include "core/x509/public_key.h"

namespace kpki::bench {

BenchScratch::BenchScratch() {
  std::string pattern = (std::filesystem::temp_directory_path() / "kpki-bench-XXXXXX").string();
  if (!mkdtemp(pattern.data()))
    throw Error(ErrorCode::NotFound, "cannot create a scratch directory");
  dir_ = pattern;
}

BenchScratch::~BenchScratch() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

BenchKey bench_key(const std::string& backend, Algorithm algorithm, const BenchOptions& options,
                   const BenchScratch& scratch) {
  std::string name = "kpki-bench-" + std::string(algorithm_name(algorithm));
  if (backend == "pkcs11" || backend == "libp11") {
    // The object label goes before any query part (?pin-value=...).
    std::string uri = options.pkcs11_uri;
    auto query = uri.find('?');
    std::string object = ";object=" + name;
    uri = query == std::string::npos ? uri + object : uri.insert(query, object);
    std::string own = backend == "libp11" ? "libp11:" + uri.substr(uri.find(':') + 1) : uri;
    return {own, "", false, uri};
  }
  std::string path = scratch.file(name + "." + backend + ".key");
  return {backend == "botan" ? "botan:" + path : path, path, true, ""};
}

IssuanceFixture make_issuance_fixture(std::shared_ptr<const Signer> ca_signer) {
  CertificateRequest ca;
  ca.subject.common_name = "kpki bench CA";
  apply_profile(Profile::Ca, key_type(ca_signer->algorithm()), ca);
  ca.validity = Validity::from_now(std::chrono::hours(24));
  ca.subject_public_key = ca_signer->public_key_der();
  Certificate ca_cert = Authority::self_sign(ca, *ca_signer).certificate;

  // The leaf key type does not matter to the CA's cost; P-256 is kubeadm's default.
  Bytes leaf_key = leaf_key_source(LeafKeyLibrary::OpenSsl)
                       .generate(Algorithm::EcdsaP256)
                       .signer->public_key_der();

  IssuanceFixture fixture;
  fixture.authority = std::make_unique<Authority>(std::move(ca_cert), std::move(ca_signer));
  fixture.leaf.subject.common_name = "kube-apiserver";
  fixture.leaf.sans.dns = {"kubernetes", "kubernetes.default", "kubernetes.default.svc",
                           "kubernetes.default.svc.cluster.local", "control-plane-1"};
  fixture.leaf.sans.ips = {"10.96.0.1", "192.168.1.10"};
  apply_profile(Profile::Server, KeyType::Ec, fixture.leaf);
  fixture.leaf.validity = Validity::from_now(std::chrono::hours(1));
  fixture.leaf.subject_public_key = leaf_key;

  Certificate sample = fixture.authority->issue(fixture.leaf).certificate;
  unsigned char* out = nullptr;
  int len = i2d_re_X509_tbs(sample.x509(), &out);
  if (len <= 0) throw_openssl_error(ErrorCode::CryptoError, "cannot encode TBSCertificate");
  fixture.tbs.assign(out, out + len);
  OPENSSL_free(out);
  return fixture;
}

}  // namespace kpki::bench
