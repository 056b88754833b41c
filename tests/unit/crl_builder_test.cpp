// The CRL builder (core/issue/crl_builder): every field of the v2 CRL, every RFC 5280 reason code,
// the signature verified by OpenSSL independently of the builder, with the OpenSSL file, Botan and
// PKCS#11 (SoftHSM) signers; and `verify_certificate` refusing a revoked certificate.
#include <gtest/gtest.h>

#include <openssl/x509v3.h>

#include <algorithm>
#include <filesystem>

#include "backends/backends.h"
#include "core/issue/crl_builder.h"
#include "core/issue/profiles.h"
#include "core/util/time_format.h"
#include "core/x509/chain_verifier.h"
#include "core/x509/public_key.h"
#include "tests/support/error_of.h"
#include "tests/support/softhsm_token.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using std::chrono::hours;
using testing::error_of;

TimePoint at(long seconds) { return TimePoint(std::chrono::seconds(seconds)); }

Certificate issue_leaf(const Authority& ca, const std::string& cn) {
  auto key = testing::make_signer(Algorithm::EcdsaP256);
  CertificateRequest request;
  request.subject.common_name = cn;
  request.subject_public_key = key->public_key_der();
  apply_profile(Profile::Client, KeyType::Ec, request);
  request.validity = Validity::from_now(hours(24));
  return ca.issue(request).certificate;
}

// What OpenSSL itself says of the CRL under `ca`, sharing no code with the builder.
void expect_signed_by(const Crl& crl, const Certificate& ca) {
  EvpPkeyPtr key(X509_get_pubkey(ca.x509()));
  EXPECT_EQ(X509_CRL_verify(crl.x509_crl(), key.get()), 1) << "CRL signature does not verify";
  EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(crl.x509_crl()), X509_get_subject_name(ca.x509())),
            0);
  EXPECT_EQ(X509_CRL_get_version(crl.x509_crl()), X509_CRL_VERSION_2);
}

CrlRequest request_now(uint64_t number, std::vector<RevokedEntry> revoked = {}) {
  CrlRequest request;
  request.number = number;
  request.this_update = now_seconds();
  request.next_update = request.this_update + hours(24 * 7);
  request.revoked = std::move(revoked);
  return request;
}

class CrlBuilder : public ::testing::TestWithParam<Algorithm> {};

TEST_P(CrlBuilder, EveryFieldAndTheSignature) {
  auto key = testing::make_signer(GetParam());
  Authority ca(testing::make_test_ca(*key, "etcd-ca"), key);
  CrlRequest request;
  request.number = 42;
  request.this_update = at(1800000000);
  request.next_update = at(1800604800);
  request.revoked = {{"7F01", at(1799990000), RevocationReason::Superseded},
                     {"0a", at(1799980000), RevocationReason::KeyCompromise},
                     {"1b:2c", at(1799970000), RevocationReason::Unspecified}};
  Crl crl = build_crl(ca, request);

  expect_signed_by(crl, ca.certificate());
  EXPECT_TRUE(crl.signature_verifies(ca.public_key()));
  EXPECT_EQ(crl.issuer(), "CN=etcd-ca");
  EXPECT_EQ(crl.number(), 42u);
  EXPECT_EQ(crl.authority_key_identifier(), ca.key_identifier());
  EXPECT_FALSE(crl.authority_key_identifier().empty());
  EXPECT_EQ(crl.this_update(), at(1800000000));
  EXPECT_EQ(crl.next_update(), at(1800604800));
  // Entries come out in ascending serial order; "unspecified" carries no reasonCode (RFC 5280).
  auto revoked = crl.revoked();
  ASSERT_EQ(revoked.size(), 3u);
  EXPECT_EQ(revoked[0].serial, "0A");
  EXPECT_EQ(revoked[0].reason, RevocationReason::KeyCompromise);
  EXPECT_EQ(revoked[0].time, at(1799980000));
  EXPECT_EQ(revoked[1].serial, "1B2C");
  EXPECT_EQ(revoked[1].reason, RevocationReason::Unspecified);
  EXPECT_EQ(revoked[2].serial, "7F01");
  EXPECT_EQ(revoked[2].reason, RevocationReason::Superseded);
  X509_REVOKED* unspecified = sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl.x509_crl()), 1);
  EXPECT_EQ(X509_REVOKED_get_ext_count(unspecified), 0);
  // Both CRL extensions are non-critical, as RFC 5280 wants for AKI and cRLNumber.
  EXPECT_EQ(X509_CRL_get_ext_count(crl.x509_crl()), 2);
  for (int i = 0; i < X509_CRL_get_ext_count(crl.x509_crl()); ++i) {
    EXPECT_EQ(X509_EXTENSION_get_critical(X509_CRL_get_ext(crl.x509_crl(), i)), 0);
  }
  // The DER is what OpenSSL re-encodes from the parsed fields: nothing hand-assembled is off.
  unsigned char* der = nullptr;
  int len = i2d_re_X509_CRL_tbs(crl.x509_crl(), &der);
  ASSERT_GT(len, 0);
  OsslBytesPtr owner(der);
  Bytes tbs(der, der + len);
  EXPECT_TRUE(std::search(crl.der().begin(), crl.der().end(), tbs.begin(), tbs.end()) !=
              crl.der().end());
  EXPECT_EQ(Crl::from_der(crl.der()).der(), crl.der());
}

TEST_P(CrlBuilder, EmptyCrlOmitsTheRevokedSequence) {
  auto key = testing::make_signer(GetParam());
  Authority ca(testing::make_test_ca(*key), key);
  Crl crl = build_crl(ca, request_now(1));
  expect_signed_by(crl, ca.certificate());
  EXPECT_TRUE(crl.revoked().empty());
  EXPECT_EQ(crl.number(), 1u);
}

// One per key type: larger RSA keys only cost key generation here.
INSTANTIATE_TEST_SUITE_P(KeyTypes, CrlBuilder,
                         ::testing::Values(Algorithm::Rsa2048, Algorithm::EcdsaP256,
                                           Algorithm::EcdsaP384, Algorithm::Ed25519),
                         kpki::testing::AlgorithmParamName());

TEST(CrlReasons, EveryReasonCodeIsTheRfc5280Value) {
  const std::vector<std::pair<std::string, long>> rfc5280 = {
      {"unspecified", 0},        {"keyCompromise", 1},      {"cACompromise", 2},
      {"affiliationChanged", 3}, {"superseded", 4},         {"cessationOfOperation", 5},
      {"certificateHold", 6},    {"privilegeWithdrawn", 9}, {"aACompromise", 10}};
  auto key = testing::make_signer(Algorithm::EcdsaP256);
  Authority ca(testing::make_test_ca(*key), key);
  std::vector<RevokedEntry> revoked;
  long serial = 1;
  for (const auto& [name, code] : rfc5280) {
    RevocationReason reason = parse_reason(name);
    EXPECT_EQ(static_cast<long>(reason), code) << name;
    EXPECT_EQ(reason_name(reason), name);
    revoked.push_back({std::to_string(serial++), now_seconds(), reason});
  }
  Crl crl = build_crl(ca, request_now(7, revoked));
  STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl.x509_crl());
  ASSERT_EQ(sk_X509_REVOKED_num(entries), static_cast<int>(rfc5280.size()));
  for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
    int critical = -1;
    OsslPtr<ASN1_ENUMERATED, ASN1_ENUMERATED_free> code(
        static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(
            sk_X509_REVOKED_value(entries, i), NID_crl_reason, &critical, nullptr)));
    long expected = rfc5280[static_cast<size_t>(i)].second;
    if (expected == 0) {
      EXPECT_EQ(code, nullptr) << "unspecified is written as no reasonCode";
    } else {
      ASSERT_NE(code, nullptr) << rfc5280[static_cast<size_t>(i)].first;
      EXPECT_EQ(ASN1_ENUMERATED_get(code.get()), expected);
      EXPECT_EQ(critical, 0);
    }
  }
  Error delta = error_of([&] {
    build_crl(ca, request_now(8, {{"0F", now_seconds(), RevocationReason::RemoveFromCrl}}));
  });
  EXPECT_EQ(delta.message(), "revoked serial 0F: removeFromCRL belongs to delta CRLs");
}

TEST(CrlBuilderErrors, RefusesBadRequestsAndACaWithoutCrlSign) {
  auto key = testing::make_signer(Algorithm::EcdsaP256);
  Authority ca(testing::make_test_ca(*key), key);
  CrlRequest backwards = request_now(1);
  backwards.next_update = backwards.this_update;
  EXPECT_EQ(error_of([&] { build_crl(ca, backwards); }).code(), ErrorCode::InvalidInput);
  // X.509 time ends in 9999: such a nextUpdate used to give a CRL OpenSSL cannot read ("Bad time
  // value"). --next-update gets the bound certificate validity has, naming the flag.
  CrlRequest past_9999 = request_now(1);
  past_9999.next_update = past_9999.this_update + hours(24 * 2914000);
  EXPECT_EQ(error_of([&] { build_crl(ca, past_9999); }).code(), ErrorCode::InvalidInput);
  Error flag = error_of(
      [&] { x509_time_after(past_9999.this_update, hours(24 * 2914000), "--next-update"); });
  EXPECT_EQ(flag.code(), ErrorCode::InvalidInput);
  EXPECT_EQ(flag.message().rfind("--next-update: ", 0), 0u) << flag.message();
  EXPECT_NE(flag.message().find("ends after 9999-12-31"), std::string::npos) << flag.message();
  EXPECT_EQ(x509_time_after(at(1800000000), hours(24), "--next-update"), at(1800086400));
  for (const std::string& serial :
       std::vector<std::string>{"", "xyz", "0", "-5", "0x10", std::string(42, 'A')}) {
    auto e = error_of([&] { build_crl(ca, request_now(1, {{serial, now_seconds(), {}}})); });
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput) << serial;
    EXPECT_NE(e.message().find("revoked serial"), std::string::npos) << e.message();
  }
  Error twice = error_of([&] {
    build_crl(ca, request_now(1, {{"ab:cd", now_seconds(), {}}, {"ABCD", now_seconds(), {}}}));
  });
  EXPECT_EQ(twice.message(), "revoked serial ABCD is listed twice");

  CertificateRequest old_style;  // a CA as kubeadm makes them: keyCertSign, no cRLSign
  old_style.subject.common_name = "kubeadm-style-ca";
  apply_profile(Profile::Ca, KeyType::Ec, old_style);
  old_style.key_usage = kDigitalSignature | kKeyCertSign;
  old_style.validity = Validity::from_now(hours(24));
  Authority no_crl_sign(Authority::self_sign(old_style, *key).certificate, key);
  Error e = error_of([&] { build_crl(no_crl_sign, request_now(1), "ca.crt"); });
  EXPECT_EQ(e.message(), "ca.crt may not sign CRLs (keyUsage lacks cRLSign)");
}

// A signer whose signatures are not the CA's: the CRL is discarded, never returned.
class ForeignSigner : public Signer {
 public:
  ForeignSigner(std::shared_ptr<const Signer> claimed, std::shared_ptr<const Signer> actual)
      : claimed_(std::move(claimed)), actual_(std::move(actual)) {}
  Algorithm algorithm() const override { return claimed_->algorithm(); }
  const Bytes& public_key_der() const override { return claimed_->public_key_der(); }
  const Bytes& signature_algorithm() const override { return claimed_->signature_algorithm(); }
  Bytes sign(ByteView message) const override { return actual_->sign(message); }

 private:
  std::shared_ptr<const Signer> claimed_, actual_;
};

TEST(CrlBuilderErrors, SignatureThatDoesNotVerifyIsDiscarded) {
  auto key = testing::make_signer(Algorithm::EcdsaP256);
  auto other = testing::make_signer(Algorithm::EcdsaP256);
  Authority ca(testing::make_test_ca(*key), std::make_shared<ForeignSigner>(key, other));
  Error e = error_of([&] { build_crl(ca, request_now(1)); });
  EXPECT_EQ(e.code(), ErrorCode::CryptoError);
  EXPECT_NE(e.message().find("CRL discarded"), std::string::npos) << e.message();
}

TEST(CrlBackends, BotanSignerSignsCrls) {
  if (!key_registry().supports("botan")) GTEST_SKIP() << "built without Botan";
  testing::TempDir dir;
  std::string uri = "botan:" + dir.file("ca.key");
  for (Algorithm alg : {Algorithm::Rsa2048, Algorithm::EcdsaP256, Algorithm::Ed25519}) {
    std::filesystem::remove(dir.file("ca.key"));
    std::shared_ptr<const Signer> key = key_registry().manager_for(uri).generate(uri, alg, {});
    Authority ca(testing::make_test_ca(*key, "botan-ca"), key);
    Crl crl = build_crl(ca, request_now(3, {{"01", now_seconds(), RevocationReason::Superseded}}));
    expect_signed_by(crl, ca.certificate());
  }
}

TEST(CrlBackends, SoftHsmTokenSignsCrls) {
  if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  test::SoftHsmToken token;
  KeyManager& manager = key_registry().manager_for("pkcs11:");
  for (Algorithm alg : {Algorithm::Rsa2048, Algorithm::EcdsaP384, Algorithm::Ed25519}) {
    std::string object = "crl-ca-" + std::string(algorithm_name(alg));
    std::shared_ptr<const Signer> key = manager.generate(token.uri(object), alg, {});
    Authority ca(testing::make_test_ca(*key, "hsm-ca"), key);
    Crl crl =
        build_crl(ca, request_now(9, {{"0102", now_seconds(), RevocationReason::KeyCompromise}}));
    expect_signed_by(crl, ca.certificate());
    EXPECT_EQ(crl.find("0102")->reason, RevocationReason::KeyCompromise);
  }
}

TEST(CrlVerify, RevokedCertificateIsRefusedOthersAccepted) {
  auto key = testing::make_signer(Algorithm::EcdsaP256);
  Authority ca(testing::make_test_ca(*key, "etcd-ca"), key);
  Certificate revoked = issue_leaf(ca, "healthcheck");
  Certificate kept = issue_leaf(ca, "apiserver-etcd-client");
  TimePoint when = now_seconds() - hours(1);
  Crl crl = build_crl(
      ca, request_now(2, {{revoked.serial_hex(), when, RevocationReason::KeyCompromise}}));

  std::vector<Certificate> trusted;
  trusted.push_back(Certificate::from_der(ca.certificate().der()));
  VerifyOptions options;
  std::vector<Crl> crls;
  crls.push_back(std::move(crl));
  VerifyResult refused = verify_certificate(trusted, revoked, options, crls);
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.reason, "certificate revoked: serial " + revoked.serial_hex() +
                                ", reason keyCompromise, on " + format_utc(when, kIsoUtc));
  EXPECT_TRUE(verify_certificate(trusted, kept, options, crls).ok);

  // The CRL's time window: past nextUpdate it no longer vouches for anything.
  options.at = now_seconds() + hours(24 * 8);
  EXPECT_EQ(verify_certificate(trusted, kept, options, crls).reason, "CRL: CRL has expired");
  options.at.reset();

  // A CRL from another CA with the same name: its signature fails, nothing is accepted.
  auto impostor_key = testing::make_signer(Algorithm::EcdsaP256);
  Authority impostor(testing::make_test_ca(*impostor_key, "etcd-ca"), impostor_key);
  crls.clear();
  crls.push_back(build_crl(impostor, request_now(2)));
  VerifyResult forged = verify_certificate(trusted, kept, options, crls);
  EXPECT_FALSE(forged.ok);
  EXPECT_EQ(forged.reason.rfind("CRL: ", 0), 0u) << forged.reason;
}

}  // namespace
}  // namespace kpki
