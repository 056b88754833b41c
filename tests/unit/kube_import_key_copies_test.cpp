// kpki ca import --remove-source finds copies of a CA key by the key, not the bytes: the same key
// as PKCS#8, PKCS#1, SEC1, DER or with CRLF line endings is removed; another key at the CA key's
// path, and a private key that cannot be read without a passphrase, are left and reported.
#include "core/kubernetes/import/key_copies.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "core/util/ossl_ptr.h"
#include "core/x509/public_key.h"
#include "tests/support/test_keys.h"

namespace kpki::kube {
namespace {

namespace fs = std::filesystem;

std::string pem_of(EVP_PKEY* key, bool traditional, const EVP_CIPHER* cipher = nullptr) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  static char pass[] = "backup";
  int ok = traditional
               ? PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr,
                                                      nullptr)
               : PEM_write_bio_PKCS8PrivateKey(bio.get(), key, cipher, cipher ? pass : nullptr,
                                               cipher ? 6 : 0, nullptr, nullptr);
  EXPECT_EQ(ok, 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string der_of(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int n = i2d_PrivateKey(key, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

std::string with_crlf(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

void write(const std::string& path, const std::string& content) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::map<std::string, PlannedFile> by_name(const std::vector<PlannedFile>& files,
                                           const std::string& root) {
  std::map<std::string, PlannedFile> out;
  for (const PlannedFile& f : files) out.emplace(fs::relative(f.path, root).string(), f);
  return out;
}

TEST(CaImportCopies, FindsTheKeyInEveryEncodingAndReportsWhatRemains) {
  EvpPkeyPtr rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  EvpPkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  EvpPkeyPtr other(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_TRUE(rsa && ec && other);
  testing::TempDir dir;
  const std::string root = dir.path();
  write(root + "/pki/ca.key", pem_of(rsa.get(), false));                       // PKCS#8
  write(root + "/backup/pkcs1.key", pem_of(rsa.get(), true));                  // PKCS#1
  write(root + "/backup/crlf.key", with_crlf(pem_of(rsa.get(), false)));       // CRLF
  write(root + "/backup/pkcs1-crlf.key", with_crlf(pem_of(rsa.get(), true)));  // both
  write(root + "/backup/ca.der", der_of(rsa.get()));                           // DER
  write(root + "/backup/encrypted.key", pem_of(rsa.get(), false, EVP_aes_256_cbc()));
  write(root + "/nodes/cp1/pki/ca.key", pem_of(other.get(), false));  // another key, CA path
  write(root + "/pki/sa.key", pem_of(ec.get(), true));                // SEC1, another key
  write(root + "/pki/ca.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

  auto found =
      by_name(find_key_copies(root, public_key_to_der(rsa.get()), "pki/ca.key", "ca"), root);
  for (const char* copy : {"pki/ca.key", "backup/pkcs1.key", "backup/crlf.key",
                           "backup/pkcs1-crlf.key", "backup/ca.der"}) {
    ASSERT_TRUE(found.count(copy)) << copy;
    EXPECT_EQ(found[copy].action, PlanAction::Remove) << copy;
  }
  ASSERT_TRUE(found.count("backup/encrypted.key"));
  EXPECT_EQ(found["backup/encrypted.key"].action, PlanAction::Skip);
  EXPECT_NE(found["backup/encrypted.key"].reason.find("cannot read"), std::string::npos);
  ASSERT_TRUE(found.count("nodes/cp1/pki/ca.key"));
  EXPECT_EQ(found["nodes/cp1/pki/ca.key"].action, PlanAction::Skip);
  EXPECT_FALSE(found.count("pki/sa.key"));
  EXPECT_FALSE(found.count("pki/ca.crt"));
  EXPECT_EQ(found.size(), 7u);

  // SEC1: the EC key's own copies.
  auto ec_found =
      by_name(find_key_copies(root, public_key_to_der(ec.get()), "pki/ec.key", "ec"), root);
  ASSERT_TRUE(ec_found.count("pki/sa.key"));
  EXPECT_EQ(ec_found["pki/sa.key"].action, PlanAction::Remove);
}

}  // namespace
}  // namespace kpki::kube
