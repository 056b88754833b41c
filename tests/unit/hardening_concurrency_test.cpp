// Concurrent issuance from one CA and one in-memory key, and racing no-clobber writes. These are
// the tests the TSan build (-DKPKI_TSAN=ON) runs: `kpki_tests --gtest_filter='Concurrent*'`.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/issue/profiles.h"
#include "core/util/error.h"
#include "core/x509/chain_verifier.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

constexpr int kThreads = 8;

TEST(ConcurrentIssuance, EightThreadsShareOneCaWithoutErrors) {
  auto ca_signer = testing::make_signer(Algorithm::EcdsaP256);
  Authority ca(testing::make_test_ca(*ca_signer), ca_signer);
  auto leaf = testing::make_signer(Algorithm::EcdsaP256);
  constexpr int kPerThread = 50;
  std::vector<std::vector<Certificate>> issued(kThreads);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        try {
          CertificateRequest request;
          request.subject.common_name = "t" + std::to_string(t) + "-" + std::to_string(i);
          request.subject_public_key = leaf->public_key_der();
          apply_profile(Profile::Server, KeyType::Ec, request);
          request.validity = Validity::from_now(std::chrono::hours(1));
          issued[t].push_back(ca.issue(request).certificate);
        } catch (const Error&) {
          ++errors;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  std::set<std::string> serials;
  std::vector<Certificate> trusted;
  trusted.push_back(Certificate::from_der(ca.certificate().der()));
  for (const auto& batch : issued) {
    ASSERT_EQ(batch.size(), static_cast<size_t>(kPerThread));
    for (const auto& cert : batch) {
      serials.insert(cert.serial_hex());
      EXPECT_TRUE(verify_certificate(trusted, cert, VerifyOptions{}).ok);
    }
  }
  EXPECT_EQ(serials.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(ConcurrentWrites, NoClobberWriteHasExactlyOneWinner) {
  testing::TempDir dir;
  for (int round = 0; round < 20; ++round) {
    std::string path = dir.file("race-" + std::to_string(round));
    std::atomic<int> won{0}, lost{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::string body(4096 + t, static_cast<char>('a' + t));
        try {
          write_file_atomic(path, body, 0600, Overwrite::No);
          ++won;
        } catch (const Error& e) {
          if (e.code() == ErrorCode::AlreadyExists) ++lost;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(won.load(), 1);
    EXPECT_EQ(lost.load(), kThreads - 1);
    // Whichever thread won, its content is there whole.
    std::string content = read_text_file(path);
    ASSERT_GE(content.size(), 4096u);
    EXPECT_EQ(content, std::string(content.size(), content[0]));
  }
}

}  // namespace
}  // namespace kpki
