// Backend equivalence: the same request, with a fixed serial and fixed validity, signed through
// every backend with the same key, gives certificates that differ only in the signature (and not
// even there for the deterministic RSA PKCS#1 v1.5 and Ed25519). Every certificate passes three
// verifiers that share no code with the issuance path. Shown as a backend x algorithm matrix.
// The libp11 column signs with the pkcs11 column's token key through libp11 (RSA and ECDSA only:
// libp11 0.4.12 has no Ed25519) and is compared with the raw driver on that key.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "backends/backends.h"
#include "core/issue/authority.h"
#include "core/issue/profiles.h"
#include "core/x509/public_key.h"
#include "tests/support/der_split.h"
#include "tests/support/independent_verifiers.h"
#include "tests/support/softhsm_token.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using namespace std::chrono;

enum class Backend { OpenSslFile, Botan, Pkcs11, Libp11 };

std::string backend_name(Backend backend) {
  switch (backend) {
    case Backend::OpenSslFile:
      return "openssl";
    case Backend::Botan:
      return "botan";
    case Backend::Pkcs11:
      return "pkcs11";
    case Backend::Libp11:
      return "libp11";
  }
  return "?";
}

struct MatrixCell {
  Backend backend;
  Algorithm algorithm;
};

// Keys live for the whole test program: RSA-4096 generation is too slow to repeat per cell.
const testing::TempDir& key_dir() {
  static const testing::TempDir dir;
  return dir;
}

// The OpenSSL-written key file every software backend opens, one per algorithm.
std::string shared_key_path(Algorithm algorithm) {
  static std::map<Algorithm, std::string> paths;
  auto it = paths.find(algorithm);
  if (it != paths.end()) return it->second;
  std::string path = key_dir().file(std::string(algorithm_name(algorithm)) + ".key");
  key_registry().manager_for(path).generate(path, algorithm, {});
  return paths[algorithm] = path;
}

// The token column's key URI: a SoftHSM token made for this test program, or the token named by
// KPKI_TEST_PKCS11_URI (kpki adds the object label). Empty (column skipped) when kpki was built
// without PKCS#11 or there is no token to use.
std::string pkcs11_key_uri(Algorithm algorithm) {
  if (!key_registry().supports("pkcs11")) return "";
  std::string object = "kpki-equivalence-" + std::string(algorithm_name(algorithm));
  if (const char* base = std::getenv("KPKI_TEST_PKCS11_URI"); base && *base) {
    std::string uri = base;
    auto query = uri.find('?');
    return query == std::string::npos ? uri + ";object=" + object
                                      : uri.insert(query, ";object=" + object);
  }
  if (!test::softhsm_available()) return "";
  static const test::SoftHsmToken token("kpki-equivalence");
  return token.uri(object);
}

Bytes fixed_serial() { return {0x4b, 0x50, 0x4b, 0x49, 0x00, 0x01, 0x02, 0x03, 0x04}; }

Validity fixed_validity(year_month_day from, year_month_day to) {
  return {sys_days(from), sys_days(to)};
}

CertificateRequest ca_request(const Signer& signer) {
  CertificateRequest request;
  request.subject.common_name = "kpki equivalence CA";
  request.subject.organizations = {"kpki"};
  apply_profile(Profile::Ca, key_type(signer.algorithm()), request);
  request.validity = fixed_validity(2025y / 1 / 1, 2045y / 1 / 1);
  request.serial = fixed_serial();
  request.subject_public_key = signer.public_key_der();
  return request;
}

CertificateRequest leaf_request() {
  static const Bytes leaf_key = [] {
    std::string path = key_dir().file("leaf.key");
    return key_registry()
        .manager_for(path)
        .generate(path, Algorithm::EcdsaP256, {})
        ->public_key_der();
  }();
  CertificateRequest request;
  request.subject.common_name = "kube-apiserver";
  request.sans.dns = {"kubernetes.default.svc", "kube-apiserver.kpki.test"};
  request.sans.ips = {"10.96.0.1"};
  apply_profile(Profile::Server, KeyType::Ec, request);
  request.validity = fixed_validity(2025y / 6 / 1, 2030y / 6 / 1);
  request.serial = fixed_serial();
  request.subject_public_key = leaf_key;
  return request;
}

Certificate copy(const Certificate& certificate) {
  return Certificate::from_der(certificate.der());
}

bool deterministic(Algorithm algorithm) { return key_type(algorithm) != KeyType::Ec; }

class BackendMatrix : public ::testing::TestWithParam<MatrixCell> {
 protected:
  // The signer of the cell under test and the OpenSSL reference with the same key (for pkcs11,
  // whose key cannot leave the token, the reference is the token key itself).
  void SetUp() override {
    auto [backend, algorithm] = GetParam();
    std::string path;
    const bool token = backend == Backend::Pkcs11 || backend == Backend::Libp11;
    if (!token) path = shared_key_path(algorithm);
    switch (backend) {
      case Backend::OpenSslFile:
        signer_ = key_registry().manager_for(path).open(path, {});
        break;
      case Backend::Botan:
        if (!key_registry().supports("botan")) GTEST_SKIP() << "built without Botan";
        signer_ = key_registry().manager_for("botan:" + path).open("botan:" + path, {});
        break;
      case Backend::Pkcs11: {
        std::string uri = pkcs11_key_uri(algorithm);
        if (uri.empty())
          GTEST_SKIP() << "no PKCS#11 support or token (SoftHSM, KPKI_TEST_PKCS11_URI)";
        signer_ = key_registry().open_or_generate(uri, algorithm, {});
        break;
      }
      case Backend::Libp11: {
        if (!key_registry().supports("libp11")) GTEST_SKIP() << "built without libp11";
        std::string uri = pkcs11_key_uri(algorithm);
        if (uri.empty())
          GTEST_SKIP() << "no PKCS#11 support or token (SoftHSM, KPKI_TEST_PKCS11_URI)";
        // The raw driver's key (made by it if needed) is the reference; libp11 signs with it.
        reference_ = key_registry().open_or_generate(uri, algorithm, {});
        std::string libp11_uri = "libp11:" + uri.substr(uri.find(':') + 1);
        signer_ = key_registry().manager_for(libp11_uri).open(libp11_uri, {});
        return;
      }
    }
    reference_ = backend == Backend::Pkcs11
                     ? signer_
                     : std::shared_ptr<Signer>(key_registry().manager_for(path).open(path, {}));
  }

  std::shared_ptr<Signer> signer_;
  std::shared_ptr<Signer> reference_;
};

void expect_same_but_signature(const Certificate& expected, const Certificate& actual,
                               Algorithm algorithm) {
  testing::CertificateParts a = testing::split_certificate(expected.der());
  testing::CertificateParts b = testing::split_certificate(actual.der());
  EXPECT_EQ(a.tbs, b.tbs) << "TBSCertificate differs";
  EXPECT_EQ(a.signature_algorithm, b.signature_algorithm);
  EXPECT_EQ(b.signature_algorithm.size(), signature_algorithm_der(algorithm).size());
  if (deterministic(algorithm)) {
    EXPECT_EQ(expected.der(), actual.der()) << "deterministic signatures must be byte-identical";
  }
}

TEST_P(BackendMatrix, SameCertificateExceptSignature) {
  Algorithm algorithm = GetParam().algorithm;
  Certificate ca = Authority::self_sign(ca_request(*signer_), *signer_).certificate;
  Certificate ca_reference = Authority::self_sign(ca_request(*reference_), *reference_).certificate;
  expect_same_but_signature(ca_reference, ca, algorithm);

  Certificate leaf = Authority(copy(ca), signer_).issue(leaf_request()).certificate;
  Certificate leaf_reference =
      Authority(copy(ca_reference), reference_).issue(leaf_request()).certificate;
  expect_same_but_signature(leaf_reference, leaf, algorithm);
}

TEST_P(BackendMatrix, VerifiesWithOpenSslBotanAndCerttool) {
  Certificate ca = Authority::self_sign(ca_request(*signer_), *signer_).certificate;
  Certificate leaf = Authority(copy(ca), signer_).issue(leaf_request()).certificate;

  EXPECT_EQ(testing::openssl_verify_signature(ca, ca), "");
  EXPECT_EQ(testing::openssl_verify_signature(leaf, ca), "");
  if (testing::botan_available()) {
    EXPECT_EQ(testing::botan_path_validate(ca, ca), "");
    EXPECT_EQ(testing::botan_path_validate(leaf, ca, "kube-apiserver.kpki.test"), "");
  }
  if (testing::certtool_available()) {
    EXPECT_EQ(testing::certtool_verify(ca, ca), "");
    EXPECT_EQ(testing::certtool_verify(leaf, ca), "");
  } else {
    ADD_FAILURE() << "certtool (gnutls-bin) is not installed";
  }
}

// The Signer contract: sign() is safe from several threads at once. Every signature made
// concurrently through one Signer must verify (OpenSSL, independently of the backend).
TEST_P(BackendMatrix, OneSignerSignsFromManyThreads) {
  constexpr int kThreads = 6, kPerThread = 3;
  const Bytes message(700, 0x2a);
  std::vector<std::vector<Bytes>> signatures(kThreads);
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) signatures[t].push_back(signer_->sign(message));
      });
    }
  }
  EvpPkeyPtr key = public_key_from_der(signer_->public_key_der());
  for (const auto& per_thread : signatures) {
    ASSERT_EQ(per_thread.size(), static_cast<size_t>(kPerThread));
    for (const auto& signature : per_thread) {
      EvpMdCtxPtr ctx(EVP_MD_CTX_new());
      ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, signature_digest(signer_->algorithm()),
                                     nullptr, key.get()),
                1);
      EXPECT_EQ(EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(),
                                 message.size()),
                1);
    }
  }
}

std::vector<MatrixCell> all_cells() {
  std::vector<MatrixCell> cells;
  for (Backend backend : {Backend::OpenSslFile, Backend::Botan, Backend::Pkcs11}) {
    for (Algorithm algorithm : kAllAlgorithms) cells.push_back({backend, algorithm});
  }
  for (Algorithm algorithm : kAllAlgorithms) {
    if (algorithm != Algorithm::Ed25519) cells.push_back({Backend::Libp11, algorithm});
  }
  return cells;
}

std::string cell_name(const ::testing::TestParamInfo<MatrixCell>& info) {
  std::string name =
      backend_name(info.param.backend) + "_" + std::string(algorithm_name(info.param.algorithm));
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Backends, BackendMatrix, ::testing::ValuesIn(all_cells()), cell_name);

}  // namespace
}  // namespace kpki
