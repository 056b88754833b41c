// Full certificate issuance with the CA key on a token: 8 threads issuing 200 certificates each
// through one Authority (one token key), 0 errors, every serial distinct.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "backends/pkcs11/pkcs11_key_manager.h"
#include "core/issue/authority.h"
#include "tests/support/softhsm_token.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

class Pkcs11Issuance : public ::testing::TestWithParam<Algorithm> {
 protected:
  void SetUp() override {
    if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  }
};

TEST_P(Pkcs11Issuance, EightThreadsIssueTwoHundredCertificatesEach) {
  Algorithm alg = GetParam();
  test::SoftHsmToken token;
  Pkcs11KeyManager manager;
  std::shared_ptr<const Signer> ca_key = manager.generate(token.uri("kubernetes-ca"), alg, {});
  Certificate ca_cert = testing::make_test_ca(*ca_key, "hsm-ca");
  const Authority ca(std::move(ca_cert), ca_key);
  auto leaf = testing::make_signer(Algorithm::EcdsaP256);  // leaf key in software: not under test

  constexpr int kThreads = 8, kCertificates = 200;
  std::atomic<int> errors{0};
  std::mutex serials_mutex;
  std::set<std::string> serials;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCertificates; ++i) {
        CertificateRequest request;
        request.subject.common_name = "node-" + std::to_string(t) + "-" + std::to_string(i);
        request.sans.dns = {request.subject.common_name + ".example.com"};
        request.key_usage = kDigitalSignature;
        request.extended_key_usage = {ExtendedKeyUsage::ServerAuth};
        request.validity = Validity::from_now(std::chrono::hours(24));
        request.subject_public_key = leaf->public_key_der();
        try {
          Certificate cert =
              ca.issue(request).certificate;  // verified against the CA key before returned
          std::lock_guard lock(serials_mutex);
          serials.insert(cert.serial_hex());
        } catch (const std::exception& e) {
          if (errors++ == 0) ADD_FAILURE() << e.what();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(serials.size(), static_cast<std::size_t>(kThreads * kCertificates));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, Pkcs11Issuance,
                         ::testing::Values(Algorithm::Rsa2048, Algorithm::EcdsaP384,
                                           Algorithm::Ed25519),
                         kpki::testing::AlgorithmParamName());

}  // namespace
}  // namespace kpki
