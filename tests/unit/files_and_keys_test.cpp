// Atomic writes, key files in every form OpenSSL writes them, CSRs and verification.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "backends/backends.h"
#include "backends/openssl_file/evp_signer.h"
#include "backends/openssl_file/file_key_manager.h"
#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/issue/csr.h"
#include "core/issue/file_group.h"
#include "core/issue/profiles.h"
#include "core/util/error.h"
#include "core/x509/chain_verifier.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using testing::TempDir;

mode_t mode_of(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return st.st_mode & 07777;
}

// Files are created with their final mode and fchmod-ed when the umask could narrow it; a large
// group of a FileBatch reads the umask once for its files. Under every umask, in a child each (the
// test binary's own umask stays), every mode is exact.
TEST(AtomicWrite, ModeIsExactUnderEveryUmask) {
  for (mode_t mask : {mode_t{0}, mode_t{022}, mode_t{077}, mode_t{0277}}) {
    TempDir dir;
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      umask(mask);
      int bad = 0;
      try {
        FileBatch batch;
        for (mode_t mode : {mode_t{0600}, mode_t{0644}}) {
          std::string path = dir.file("single" + std::to_string(mode));
          write_file_atomic(path, std::string("x"), mode, Overwrite::No);
          if (mode_of(path) != mode) bad |= 1;
          for (int i = 0; i < 20; ++i)  // a large group: its own umask snapshot
            batch.add(dir.file("new/" + std::to_string(mode) + "-" + std::to_string(i)), "x", mode,
                      Overwrite::No);
        }
        batch.write(nullptr);
        for (mode_t mode : {mode_t{0600}, mode_t{0644}})
          for (int i = 0; i < 20; ++i)
            if (mode_of(dir.file("new/" + std::to_string(mode) + "-" + std::to_string(i))) != mode)
              bad |= 2;
      } catch (...) {
        _exit(100);
      }
      _exit(bad);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0)
        << "umask " << std::oct << mask << " (1: a single file, 2: a group's file came out wrong)";
  }
}

TEST(AtomicWrite, ModeHoldsUnderPermissiveUmaskAndNoClobber) {
  TempDir dir;
  mode_t old = umask(0);
  write_file_atomic(dir.file("k"), std::string("secret"), 0600, Overwrite::No);
  umask(old);
  EXPECT_EQ(mode_of(dir.file("k")), 0600u);
  try {
    write_file_atomic(dir.file("k"), std::string("other"), 0600, Overwrite::No);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
  }
  EXPECT_EQ(read_text_file(dir.file("k")), "secret");
  write_file_atomic(dir.file("k"), std::string("new"), 0644, Overwrite::Yes);
  EXPECT_EQ(read_text_file(dir.file("k")), "new");
  EXPECT_EQ(mode_of(dir.file("k")), 0644u);
  // No temporary files left behind.
  int entries = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(AtomicWrite, MissingFileIsNotFoundNamingThePath) {
  try {
    read_file("/nonexistent/kpki/file");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/kpki/file"), std::string::npos);
  }
}

TEST(CreatedFiles, RemovesUnlessCommitted) {
  TempDir dir;
  {
    CreatedFiles created;
    write_file_atomic(dir.file("a"), std::string("x"), 0600, Overwrite::No);
    created.add(dir.file("a"));
  }
  EXPECT_FALSE(file_exists(dir.file("a")));
  {
    CreatedFiles created;
    write_file_atomic(dir.file("b"), std::string("x"), 0600, Overwrite::No);
    created.add(dir.file("b"));
    created.commit();
  }
  EXPECT_TRUE(file_exists(dir.file("b")));
}

class FileKeyTest : public ::testing::TestWithParam<Algorithm> {};

TEST_P(FileKeyTest, GenerateOpenAndSignWithEveryAlgorithm) {
  TempDir dir;
  const auto& registry = key_registry();
  std::string uri = dir.file("k.pem");
  auto generated = registry.manager_for(uri).generate(uri, GetParam(), {});
  EXPECT_EQ(mode_of(uri), 0600u);
  auto opened = registry.manager_for(uri).open("file:" + uri, {});
  EXPECT_EQ(opened->public_key_der(), generated->public_key_der());
  EXPECT_EQ(opened->algorithm(), GetParam());
  EXPECT_THROW(registry.manager_for(uri).generate(uri, GetParam(), {}), Error);
  KeyOptions force;
  force.force = true;
  auto replaced = registry.manager_for(uri).generate(uri, GetParam(), force);
  EXPECT_NE(replaced->public_key_der(), generated->public_key_der());
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, FileKeyTest, ::testing::ValuesIn(kAllAlgorithms),
                         kpki::testing::AlgorithmParamName());

TEST(FileKeys, ReadsPkcs1AndSec1AndEncryptedPkcs8) {
  TempDir dir;
  auto rsa = generate_evp_key(Algorithm::Rsa2048);
  auto ec = generate_evp_key(Algorithm::EcdsaP384);
  {
    BioPtr bio(BIO_new_file(dir.file("rsa.pem").c_str(), "w"));
    ASSERT_TRUE(PEM_write_bio_PrivateKey_traditional(bio.get(), rsa.get(), nullptr, nullptr, 0,
                                                     nullptr, nullptr));
    BioPtr bio2(BIO_new_file(dir.file("ec.pem").c_str(), "w"));
    ASSERT_TRUE(PEM_write_bio_PrivateKey_traditional(bio2.get(), ec.get(), nullptr, nullptr, 0,
                                                     nullptr, nullptr));
  }
  for (const char* name : {"rsa.pem", "ec.pem"})
    std::filesystem::permissions(
        dir.file(name), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_NE(read_text_file(dir.file("rsa.pem")).find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  EXPECT_NE(read_text_file(dir.file("ec.pem")).find("BEGIN EC PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(key_registry().manager_for("x").open(dir.file("rsa.pem"), {})->algorithm(),
            Algorithm::Rsa2048);
  EXPECT_EQ(key_registry().manager_for("x").open(dir.file("ec.pem"), {})->algorithm(),
            Algorithm::EcdsaP384);

  testing::write_private_file(dir.file("pass"), "correct horse\n");
  KeyOptions with_pass;
  with_pass.passphrase_file = dir.file("pass");
  std::string uri = dir.file("enc.pem");
  auto signer = key_registry().manager_for(uri).generate(uri, Algorithm::Ed25519, with_pass);
  EXPECT_NE(read_text_file(uri).find("ENCRYPTED PRIVATE KEY"), std::string::npos);
  EXPECT_EQ(key_registry().manager_for(uri).open(uri, with_pass)->public_key_der(),
            signer->public_key_der());
  EXPECT_THROW(key_registry().manager_for(uri).open(uri, {}), Error);
  testing::write_private_file(dir.file("wrong"), "wrong\n");
  KeyOptions wrong;
  wrong.passphrase_file = dir.file("wrong");
  EXPECT_THROW(key_registry().manager_for(uri).open(uri, wrong), Error);
}

TEST(Csr, RoundTripAndTamperDetection) {
  auto signer = testing::make_signer(Algorithm::EcdsaP256);
  Subject subject;
  subject.common_name = "system:node:w1";
  subject.organizations = {"system:nodes"};
  SubjectAltNames sans;
  sans.dns = {"w1"};
  sans.ips = {"10.0.0.21"};
  std::string pem = make_csr_pem(subject, sans, *signer);
  SigningRequest csr = parse_csr(as_bytes(pem), "w1.csr");
  EXPECT_EQ(csr.subject, subject);
  EXPECT_EQ(csr.sans, sans);
  EXPECT_EQ(csr.public_key_der, signer->public_key_der());
  EXPECT_EQ(check_public_key_policy(csr.public_key_der, "w1.csr"), KeyType::Ec);

  std::string garbage =
      "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
  EXPECT_THROW(parse_csr(as_bytes(garbage), "g.csr"), Error);
  EXPECT_THROW(parse_csr(as_bytes(std::string("not pem at all")), "g.csr"), Error);
}

// certs generate-csr's CSRs ask for the table's usages, so that a CA copying the request's
// extensions issues the certificate the table describes.
TEST(Csr, CarriesTheRequestedUsages) {
  auto signer = testing::make_signer(Algorithm::EcdsaP256);
  CertificateRequest request;
  request.subject.common_name = "cp1";
  request.sans.dns = {"cp1", "localhost"};
  request.sans.ips = {"127.0.0.1"};
  request.subject_public_key = signer->public_key_der();
  apply_profile(Profile::Peer, KeyType::Ec, request);
  std::string pem = make_csr_pem(request, *signer);
  SigningRequest parsed = parse_csr(as_bytes(pem), "peer.csr");
  EXPECT_EQ(parsed.subject, request.subject);
  EXPECT_EQ(parsed.sans, request.sans);

  OsslPtr<BIO, BIO_free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509ReqPtr req(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(req);
  X509ExtensionStackPtr extensions(X509_REQ_get_extensions(req.get()));
  ASSERT_TRUE(extensions);
  int critical = -1;
  OsslPtr<ASN1_BIT_STRING, ASN1_BIT_STRING_free> ku(static_cast<ASN1_BIT_STRING*>(
      X509V3_get_d2i(extensions.get(), NID_key_usage, &critical, nullptr)));
  ASSERT_TRUE(ku);
  EXPECT_EQ(critical, 1);
  EXPECT_TRUE(ASN1_BIT_STRING_get_bit(ku.get(), 0));   // digitalSignature
  EXPECT_FALSE(ASN1_BIT_STRING_get_bit(ku.get(), 2));  // no keyEncipherment on an EC key
  EXPECT_FALSE(ASN1_BIT_STRING_get_bit(ku.get(), 5));  // no keyCertSign
  OsslPtr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free> eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509V3_get_d2i(extensions.get(), NID_ext_key_usage, nullptr, nullptr)));
  ASSERT_TRUE(eku);
  ASSERT_EQ(sk_ASN1_OBJECT_num(eku.get()), 2);
  EXPECT_EQ(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), 0)), NID_server_auth);
  EXPECT_EQ(OBJ_obj2nid(sk_ASN1_OBJECT_value(eku.get(), 1)), NID_client_auth);
  OsslPtr<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free> bc(static_cast<BASIC_CONSTRAINTS*>(
      X509V3_get_d2i(extensions.get(), NID_basic_constraints, &critical, nullptr)));
  ASSERT_TRUE(bc);
  EXPECT_FALSE(bc->ca);
  EXPECT_EQ(critical, 1);

  // The request's key must be the signer's: a CSR for one key signed by another is refused.
  auto other = testing::make_signer(Algorithm::EcdsaP256);
  try {
    make_csr_pem(request, *other);
    FAIL() << "a CSR signed by another key";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
  }
}

TEST(Verify, ChainPurposeHostAndTime) {
  auto ca_signer = testing::make_signer(Algorithm::EcdsaP256);
  Authority ca(testing::make_test_ca(*ca_signer), ca_signer);
  auto leaf_signer = testing::make_signer(Algorithm::EcdsaP256);
  CertificateRequest request;
  request.subject.common_name = "etcd";
  request.sans.dns = {"localhost"};
  request.sans.ips = {"127.0.0.1"};
  request.subject_public_key = leaf_signer->public_key_der();
  apply_profile(Profile::Server, KeyType::Ec, request);
  request.validity = Validity::from_now(std::chrono::hours(1));
  Certificate leaf = ca.issue(request).certificate;
  std::vector<Certificate> trusted;
  trusted.push_back(Certificate::from_der(ca.certificate().der()));

  EXPECT_TRUE(verify_certificate(trusted, leaf, {Purpose::Server, "localhost", {}}).ok);
  EXPECT_TRUE(verify_certificate(trusted, leaf, {Purpose::Server, "127.0.0.1", {}}).ok);
  EXPECT_FALSE(verify_certificate(trusted, leaf, {Purpose::Server, "10.0.0.1", {}}).ok);
  EXPECT_FALSE(verify_certificate(trusted, leaf, {Purpose::Client, "", {}}).ok);
  auto later = verify_certificate(trusted, leaf,
                                  {Purpose::Server, "", now_seconds() + std::chrono::hours(3)});
  EXPECT_FALSE(later.ok);
  EXPECT_NE(later.reason.find("expired"), std::string::npos) << later.reason;

  auto other_signer = testing::make_signer(Algorithm::EcdsaP256);
  std::vector<Certificate> other;
  other.push_back(testing::make_test_ca(*other_signer));
  EXPECT_FALSE(verify_certificate(other, leaf, {}).ok);
}

}  // namespace
}  // namespace kpki
