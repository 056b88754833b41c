// What the cluster-scale write and issuance paths (issue 14) must keep true: a batch of files is
// written whole with its modes and rolled back when its command fails, one prepared signing
// context issues verified certificates from several threads, EC public keys are encoded without
// OpenSSL's encoders into the same DER, and kubeconfigs round-trip with their quoted blobs.
#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <filesystem>
#include <thread>

#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/issue/file_group.h"
#include "core/issue/profiles.h"
#include "core/kubernetes/init/group_sizes.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/x509/public_key.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using testing::error_of;
using testing::TempDir;

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// Small batches fsync file by file, large ones sync the file system: both must write the same.
class FileBatchSizes : public ::testing::TestWithParam<int> {};

TEST_P(FileBatchSizes, WritesEveryFileWholeWithItsModeInNewDirectories) {
  TempDir dir;
  FileBatch batch;
  for (int i = 0; i < GetParam(); ++i) {
    std::string node = dir.file("nodes/n" + std::to_string(i % 7) + "/pki");
    batch.add(node + "/f" + std::to_string(i) + ".key", "key " + std::to_string(i), 0600,
              Overwrite::No);
    batch.add(node + "/f" + std::to_string(i) + ".crt", "crt " + std::to_string(i), 0644,
              Overwrite::No);
  }
  EXPECT_EQ(batch.size(), static_cast<size_t>(2 * GetParam()));
  CreatedFiles created;
  batch.write(&created);
  created.commit();
  EXPECT_EQ(batch.size(), 0u);
  for (int i = 0; i < GetParam(); ++i) {
    std::string base = dir.file("nodes/n" + std::to_string(i % 7) + "/pki/f" + std::to_string(i));
    EXPECT_EQ(read_text_file(base + ".key"), "key " + std::to_string(i));
    EXPECT_EQ(read_text_file(base + ".crt"), "crt " + std::to_string(i));
    EXPECT_EQ(mode_of(base + ".key"), 0600u);
    EXPECT_EQ(mode_of(base + ".crt"), 0644u);
  }
  // No temporaries left behind.
  int entries = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.file("nodes"))) {
    EXPECT_EQ(e.path().filename().string().rfind('.', 0), std::string::npos) << e.path();
    entries += e.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(entries, 2 * GetParam());
}

INSTANTIATE_TEST_SUITE_P(ClusterScale, FileBatchSizes, ::testing::Values(1, 5, 40));

TEST(ClusterScale, BatchWithAnExistingTargetWritesNothing) {
  TempDir dir;
  write_file_atomic(dir.file("taken"), std::string("old"), 0644, Overwrite::No);
  FileBatch batch;
  for (int i = 0; i < 20; ++i)
    batch.add(dir.file("new" + std::to_string(i)), "x", 0644, Overwrite::No);
  batch.add(dir.file("taken"), "new", 0644, Overwrite::No);
  Error e = error_of([&] { batch.write(); });
  EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
  EXPECT_EQ(read_text_file(dir.file("taken")), "old");
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(file_exists(dir.file("new" + std::to_string(i))));
}

TEST(ClusterScale, UncommittedBatchIsRemovedAndReplacementKeepsWorking) {
  TempDir dir;
  write_file_atomic(dir.file("kept"), std::string("old"), 0644, Overwrite::No);
  {
    CreatedFiles created;
    FileBatch batch;
    for (int i = 0; i < 20; ++i)
      batch.add(dir.file("new" + std::to_string(i)), "x", 0644, Overwrite::No);
    batch.add(dir.file("kept"), "replaced", 0644, Overwrite::Yes);
    batch.write(&created);
    EXPECT_TRUE(file_exists(dir.file("new0")));
  }  // the command failed after writing: its new files go, the replaced one stays replaced
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(file_exists(dir.file("new" + std::to_string(i))));
  EXPECT_EQ(read_text_file(dir.file("kept")), "replaced");
}

TEST(ClusterScale, EcPublicKeyDerMatchesOpenSslEncoder) {
  for (Algorithm algorithm : {Algorithm::EcdsaP256, Algorithm::EcdsaP384}) {
    EvpPkeyPtr key = public_key_from_der(testing::make_signer(algorithm)->public_key_der());
    unsigned char* out = nullptr;
    int len = i2d_PUBKEY(key.get(), &out);
    ASSERT_GT(len, 0);
    Bytes expected(out, out + len);
    OPENSSL_free(out);
    EXPECT_EQ(public_key_to_der(key.get()), expected) << algorithm_name(algorithm);
    EXPECT_EQ(algorithm_of_public_key(expected), algorithm);
  }
  for (Algorithm algorithm : {Algorithm::Ed25519, Algorithm::Rsa2048}) {
    EvpPkeyPtr key = public_key_from_der(testing::make_signer(algorithm)->public_key_der());
    EXPECT_EQ(algorithm_of_public_key(public_key_to_der(key.get())), algorithm);
  }
  EvpPkeyPtr k1(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1"));
  ASSERT_TRUE(k1);
  Error e = error_of([&] { algorithm_of_public_key(public_key_to_der(k1.get())); });
  EXPECT_EQ(e.code(), ErrorCode::Unsupported);
  EXPECT_NE(e.message().find("secp256k1"), std::string::npos) << e.message();
}

TEST(ClusterScale, OneCaIssuesVerifiedCertificatesFromSeveralThreads) {
  for (Algorithm algorithm : {Algorithm::EcdsaP256, Algorithm::Ed25519, Algorithm::Rsa2048}) {
    auto signer = testing::make_signer(algorithm);
    Authority ca(testing::make_test_ca(*signer), signer);
    EvpPkeyPtr ca_key = public_key_from_der(signer->public_key_der());
    std::vector<std::vector<Certificate>> issued(2);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < issued.size(); ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 20; ++i) {
          CertificateRequest request;
          request.subject.common_name = "node-" + std::to_string(t) + "-" + std::to_string(i);
          apply_profile(Profile::Client, KeyType::Ec, request);
          request.subject_public_key = testing::make_signer(Algorithm::EcdsaP256)->public_key_der();
          request.validity = Validity::from_now(std::chrono::hours(1));
          issued[t].push_back(ca.issue(request).certificate);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& list : issued) {
      ASSERT_EQ(list.size(), 20u);
      for (const auto& cert : list) {
        Certificate parsed = Certificate::from_pem(cert.pem(), "issued");
        EXPECT_EQ(X509_verify(parsed.x509(), ca_key.get()), 1) << algorithm_name(algorithm);
      }
    }
  }
}

TEST(ClusterScale, KubeconfigBlobsAreQuotedAndReadBack) {
  kube::Kubeconfig config{"kubernetes",
                          "https://10.0.0.1:6443",
                          "system:node:w1",
                          "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
                          "-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n",
                          "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n"};
  std::string text = kube::render_kubeconfig(config);
  for (const char* key :
       {"certificate-authority-data: \"", "client-certificate-data: \"", "client-key-data: \""}) {
    EXPECT_NE(text.find(key), std::string::npos) << key << "\n" << text;
  }
  kube::Kubeconfig back = kube::parse_kubeconfig(text, "test");
  EXPECT_EQ(back.cluster_name, config.cluster_name);
  EXPECT_EQ(back.server, config.server);
  EXPECT_EQ(back.user, config.user);
  EXPECT_EQ(back.ca_pem, config.ca_pem);
  EXPECT_EQ(back.client_cert_pem, config.client_cert_pem);
  EXPECT_EQ(back.client_key_pem, config.client_key_pem);

  // Every value is a double-quoted scalar: quotes, backslashes, colons, '#' and control
  // characters come back as they were.
  config.cluster_name = "a \"b\" \\ c: #d\te";
  config.user = "- [x]: {y}";
  back = kube::parse_kubeconfig(kube::render_kubeconfig(config), "test");
  EXPECT_EQ(back.cluster_name, config.cluster_name);
  EXPECT_EQ(back.user, config.user);
}

// The ledger matches a kubeconfig to the certificate it holds by this value, without parsing.
TEST(ClusterScale, ClientCertificateDataIsFoundQuotedOrPlain) {
  kube::Kubeconfig config{"kubernetes", "https://10.0.0.1:6443", "admin", "CA PEM", "LEAF PEM",
                          "KEY PEM"};
  std::string text = kube::render_kubeconfig(config);
  EXPECT_EQ(kube::client_certificate_data_of(text), kube::base64_encode("LEAF PEM"));
  EXPECT_EQ(kube::client_certificate_data_of("users:\n  client-certificate-data: QUJD\n  x: y"),
            "QUJD");
  EXPECT_EQ(kube::client_certificate_data_of("client-certificate-data: 'QUJD'"), "QUJD");
  EXPECT_EQ(kube::client_certificate_data_of("certificate-authority-data: QUJD\n"), "");
  EXPECT_EQ(kube::client_certificate_data_of("client-certificate-data:"), "");
}

// The groups init cuts a tree's leaves into (core/kubernetes/init/group_sizes.h), as apply_init
// takes them: each group as large as group_size says, or what is left.
std::vector<size_t> groups_of(size_t leaves) {
  std::vector<size_t> groups;
  for (size_t left = leaves; left > 0;) {
    size_t size = std::min(left, kube::group_size(groups.size(), left));
    EXPECT_GT(size, 0u);
    if (size == 0) break;
    groups.push_back(size);
    left -= size;
  }
  return groups;
}

TEST(InitGroups, StartAndEndSmallAndCoverEveryLeaf) {
  std::vector<size_t> groups = groups_of(3017);  // a 1,000-worker tree
  ASSERT_GE(groups.size(), 6u);
  EXPECT_EQ(groups[0], 64u);
  EXPECT_EQ(groups[1], 128u);
  EXPECT_EQ(groups[2], kube::kLeavesPerGroup);
  size_t sum = 0;
  for (size_t g : groups) {
    sum += g;
    EXPECT_LE(g, kube::kLeavesPerGroup);
    EXPECT_GE(g, 32u);  // no straggler group of a few leaves
  }
  EXPECT_EQ(sum, 3017u);
  EXPECT_LE(groups.back(), 64u);  // the install nothing overlaps is a small one
  EXPECT_LE(groups[groups.size() - 2], 64u);
  EXPECT_EQ(groups_of(10), std::vector<size_t>{10});  // a small tree: one group
  EXPECT_EQ(groups_of(100), (std::vector<size_t>{50, 50}));
}

}  // namespace
}  // namespace kpki
