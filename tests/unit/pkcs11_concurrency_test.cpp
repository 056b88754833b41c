// One token key shared by many threads, and by a forked child: the session pool, the single
// login, and re-initialisation after fork().
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "backends/pkcs11/pkcs11_key_manager.h"
#include "tests/support/pkcs11_verify.h"
#include "tests/support/softhsm_token.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using test::SoftHsmToken;

class Pkcs11Concurrency : public ::testing::TestWithParam<Algorithm> {
 protected:
  void SetUp() override {
    if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  }
};

TEST_P(Pkcs11Concurrency, EightThreadsTwoHundredSignaturesEach) {
  Algorithm alg = GetParam();
  SoftHsmToken token;
  Pkcs11KeyManager manager;
  manager.generate(token.uri("ca"), alg, {});
  std::shared_ptr<const Signer> signer = manager.open(token.uri("ca"), {});
  constexpr int kThreads = 8, kSignatures = 200;
  std::atomic<int> errors{0}, bad{0}, good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kSignatures; ++i) {
        std::string message = "tbs " + std::to_string(t) + "/" + std::to_string(i);
        try {
          Bytes sig = signer->sign(as_bytes(message));
          if (test::signature_verifies(signer->public_key_der(), alg, as_bytes(message), sig)) {
            ++good;
          } else {
            ++bad;
          }
        } catch (const std::exception& e) {
          if (errors++ == 0) ADD_FAILURE() << e.what();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(good, kThreads * kSignatures);
}

TEST_P(Pkcs11Concurrency, ForkedChildCanSign) {
  Algorithm alg = GetParam();
  SoftHsmToken token;
  Pkcs11KeyManager manager;
  auto signer = manager.generate(token.uri("ca"), alg, {});
  const std::string message = "signed in the parent and in the child";
  ASSERT_TRUE(test::signature_verifies(signer->public_key_der(), alg, as_bytes(message),
                                       signer->sign(as_bytes(message))));
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int code = 1;
    try {
      Bytes sig = signer->sign(as_bytes(message));
      code =
          test::signature_verifies(signer->public_key_der(), alg, as_bytes(message), sig) ? 0 : 2;
    } catch (const std::exception& e) {
      fprintf(stderr, "child: %s\n", e.what());
      code = 3;
    }
    _exit(code);  // no atexit handlers, no gtest teardown in the child
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: no result, 2: bad signature, 3: error";
  // The parent is unaffected by the child's re-initialisation.
  EXPECT_TRUE(test::signature_verifies(signer->public_key_der(), alg, as_bytes(message),
                                       signer->sign(as_bytes(message))));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, Pkcs11Concurrency,
                         ::testing::Values(Algorithm::Rsa2048, Algorithm::EcdsaP256,
                                           Algorithm::Ed25519),
                         kpki::testing::AlgorithmParamName());

}  // namespace
}  // namespace kpki
