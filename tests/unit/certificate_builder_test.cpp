// The builder and each extension: issue real certificates and parse every field back.
#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "core/issue/authority.h"
#include "core/issue/profiles.h"
#include "core/util/error.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using testing::make_signer;
using testing::make_test_ca;

class BuilderTest : public ::testing::TestWithParam<Algorithm> {};

CertificateRequest server_request(const Signer& leaf) {
  CertificateRequest request;
  request.subject.common_name = "kube-apiserver";
  request.subject.organizations = {"org-a", "org-b"};
  request.subject.organizational_units = {"unit"};
  request.subject.country = "DE";
  request.subject.state = "Berlin";
  request.subject.locality = "Berlin";
  request.sans.dns = {"kubernetes", "kubernetes.default"};
  request.sans.ips = {"10.96.0.1", "::1"};
  request.sans.uris = {"spiffe://cluster.local/ns/x"};
  request.sans.emails = {"ops@example.com"};
  request.subject_public_key = leaf.public_key_der();
  apply_profile(Profile::Server, key_type(leaf.algorithm()), request);
  request.validity = Validity::from_now(std::chrono::hours(8760));
  return request;
}

TEST_P(BuilderTest, EveryFieldRoundTrips) {
  auto ca_signer = make_signer(GetParam());
  auto leaf_signer = make_signer(Algorithm::EcdsaP256);
  Authority ca(make_test_ca(*ca_signer), ca_signer);
  CertificateRequest request = server_request(*leaf_signer);
  Certificate cert = ca.issue(request).certificate;

  EXPECT_EQ(cert.subject(), request.subject);
  EXPECT_EQ(cert.subject_alt_names(), request.sans);
  EXPECT_EQ(cert.public_key_der(), leaf_signer->public_key_der());
  EXPECT_EQ(cert.extended_key_usage(), std::vector<ExtendedKeyUsage>{ExtendedKeyUsage::ServerAuth});
  EXPECT_FALSE(cert.is_ca());
  EXPECT_EQ(X509_get_version(cert.x509()), X509_VERSION_3);

  // keyUsage critical: digitalSignature only (EC leaf: no keyEncipherment).
  int crit = -1;
  ASN1_BIT_STRING* ku =
      static_cast<ASN1_BIT_STRING*>(X509_get_ext_d2i(cert.x509(), NID_key_usage, &crit, nullptr));
  ASSERT_NE(ku, nullptr);
  EXPECT_EQ(crit, 1);
  EXPECT_TRUE(ASN1_BIT_STRING_get_bit(ku, 0));
  EXPECT_FALSE(ASN1_BIT_STRING_get_bit(ku, 2));
  EXPECT_FALSE(ASN1_BIT_STRING_get_bit(ku, 5));
  ASN1_BIT_STRING_free(ku);

  // basicConstraints critical, CA:FALSE.
  BASIC_CONSTRAINTS* bc = static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(cert.x509(), NID_basic_constraints, &crit, nullptr));
  ASSERT_NE(bc, nullptr);
  EXPECT_EQ(crit, 1);
  EXPECT_EQ(bc->ca, 0);
  BASIC_CONSTRAINTS_free(bc);

  // AKI on the leaf equals the CA's SKI; no SKI on the leaf.
  const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert.x509());
  const ASN1_OCTET_STRING* ca_ski = X509_get0_subject_key_id(ca.certificate().x509());
  ASSERT_NE(aki, nullptr);
  ASSERT_NE(ca_ski, nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(aki, ca_ski), 0);
  EXPECT_EQ(X509_get0_subject_key_id(cert.x509()), nullptr);

  // Serial: positive, at most 20 octets, at least 64 bits.
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.x509());
  EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER);
  EXPECT_LE(ASN1_STRING_length(serial), 20);
  EXPECT_GE(ASN1_STRING_length(serial), 8);

  // Validity: backdated 5 minutes, one year long.
  auto now = Clock::now();
  EXPECT_NEAR(std::chrono::duration<double>(now - cert.not_before()).count(), 300, 30);
  EXPECT_NEAR(std::chrono::duration<double>(cert.not_after() - now).count(), 8760.0 * 3600, 30);

  // Signature algorithm follows the CA key.
  int expected_nid = GetParam() == Algorithm::Ed25519      ? NID_ED25519
                     : GetParam() == Algorithm::EcdsaP384  ? NID_ecdsa_with_SHA384
                     : key_type(GetParam()) == KeyType::Ec ? NID_ecdsa_with_SHA256
                                                           : NID_sha256WithRSAEncryption;
  EXPECT_EQ(X509_get_signature_nid(cert.x509()), expected_nid);
  EXPECT_EQ(X509_verify(cert.x509(), X509_get0_pubkey(ca.certificate().x509())), 1);
}

TEST_P(BuilderTest, CaHasSkiCriticalConstraintsAndKeyCertSign) {
  auto signer = make_signer(GetParam());
  CertificateRequest request;
  request.subject.common_name = "kubernetes";
  request.sans.dns = {"kubernetes"};
  apply_profile(Profile::Ca, key_type(GetParam()), request);
  request.path_length = 1;
  request.validity = Validity::from_now(std::chrono::hours(87600));
  Certificate ca = Authority::self_sign(request, *signer).certificate;
  EXPECT_TRUE(ca.is_ca());
  EXPECT_EQ(X509_get_pathlen(ca.x509()), 1);
  EXPECT_NE(X509_get0_subject_key_id(ca.x509()), nullptr);
  uint32_t ku = X509_get_key_usage(ca.x509());
  EXPECT_TRUE(ku & KU_KEY_CERT_SIGN);
  EXPECT_TRUE(ku & KU_CRL_SIGN);
  EXPECT_TRUE(ku & KU_DIGITAL_SIGNATURE);
  EXPECT_EQ(bool(ku & KU_KEY_ENCIPHERMENT), key_type(GetParam()) == KeyType::Rsa);
  EXPECT_TRUE(ca.extended_key_usage().empty());
  EXPECT_EQ(X509_check_issued(ca.x509(), ca.x509()), X509_V_OK);
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, BuilderTest, ::testing::ValuesIn(kAllAlgorithms),
                         kpki::testing::AlgorithmParamName());

TEST(Profiles, ServerClientPeerUsages) {
  CertificateRequest r;
  apply_profile(Profile::Client, KeyType::Rsa, r);
  EXPECT_EQ(r.key_usage, unsigned(kDigitalSignature | kKeyEncipherment));
  EXPECT_EQ(r.extended_key_usage, std::vector<ExtendedKeyUsage>{ExtendedKeyUsage::ClientAuth});
  apply_profile(Profile::Peer, KeyType::Ec, r);
  EXPECT_EQ(r.key_usage, unsigned(kDigitalSignature));
  EXPECT_EQ(r.extended_key_usage, (std::vector<ExtendedKeyUsage>{ExtendedKeyUsage::ServerAuth,
                                                                 ExtendedKeyUsage::ClientAuth}));
  EXPECT_THROW(parse_profile("admin"), Error);
}

TEST(Builder, FixedSerialAndTimesAreUsed) {
  auto signer = make_signer(Algorithm::EcdsaP256);
  CertificateRequest request;
  request.subject.common_name = "fixed";
  apply_profile(Profile::Ca, KeyType::Ec, request);
  request.serial = Bytes{0x01, 0x02, 0x03};
  request.validity.not_before = TimePoint(std::chrono::seconds(1700000000));
  request.validity.not_after = TimePoint(std::chrono::seconds(1800000000));
  Certificate cert = Authority::self_sign(request, *signer).certificate;
  EXPECT_EQ(cert.serial_hex(), "010203");
  EXPECT_EQ(cert.not_before().time_since_epoch().count(), 1700000000);
  EXPECT_EQ(cert.not_after().time_since_epoch().count(), 1800000000);
}

TEST(Builder, RejectsBadRequests) {
  auto signer = make_signer(Algorithm::EcdsaP256);
  Authority ca(make_test_ca(*signer), signer);
  CertificateRequest base;
  base.subject.common_name = "x";
  base.subject_public_key = signer->public_key_der();
  apply_profile(Profile::Server, KeyType::Ec, base);
  base.validity = Validity::from_now(std::chrono::hours(1));

  auto bad_dns = base;
  bad_dns.sans.dns = {"bad_name.example"};
  EXPECT_THROW(ca.issue(bad_dns), Error);
  auto bad_ip = base;
  bad_ip.sans.ips = {"300.1.1.1"};
  EXPECT_THROW(ca.issue(bad_ip), Error);
  auto bad_uri = base;
  bad_uri.sans.uris = {"no scheme"};
  EXPECT_THROW(ca.issue(bad_uri), Error);
  auto bad_email = base;
  bad_email.sans.emails = {"nobody"};
  EXPECT_THROW(ca.issue(bad_email), Error);
  auto zero_serial = base;
  zero_serial.serial = Bytes{0};
  EXPECT_THROW(ca.issue(zero_serial), Error);
  auto long_serial = base;
  long_serial.serial = Bytes(21, 1);
  EXPECT_THROW(ca.issue(long_serial), Error);
  auto nameless = base;
  nameless.subject.common_name.clear();
  EXPECT_THROW(ca.issue(nameless), Error);
}

TEST(Builder, LeafValidityIsCappedAtTheCa) {
  auto signer = make_signer(Algorithm::EcdsaP256);
  Authority ca(make_test_ca(*signer), signer);  // one year
  CertificateRequest request;
  request.subject.common_name = "long";
  request.subject_public_key = signer->public_key_der();
  apply_profile(Profile::Client, KeyType::Ec, request);
  request.validity = Validity::from_now(std::chrono::hours(24 * 365 * 5));
  Certificate cert = ca.issue(request).certificate;
  EXPECT_EQ(cert.not_after(), ca.certificate().not_after());
}

TEST(Authority, RefusesMismatchedKeyAndNonCa) {
  auto signer = make_signer(Algorithm::EcdsaP256);
  auto other = make_signer(Algorithm::EcdsaP256);
  try {
    Authority ca(make_test_ca(*signer), other,
                 testing::authority_options(nullptr, "", trusted_requests(), "ca.crt"));
    FAIL() << "mismatched key accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not match"), std::string::npos) << e.what();
  }
  Authority ca(make_test_ca(*signer), signer);
  CertificateRequest leaf;
  leaf.subject.common_name = "leaf";
  leaf.subject_public_key = other->public_key_der();
  apply_profile(Profile::Client, KeyType::Ec, leaf);
  leaf.validity = Validity::from_now(std::chrono::hours(1));
  Certificate not_a_ca = ca.issue(leaf).certificate;
  EXPECT_THROW(Authority(std::move(not_a_ca), other), Error);
}

}  // namespace
}  // namespace kpki
