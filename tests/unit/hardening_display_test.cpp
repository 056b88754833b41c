// Names from inspected files are shown escaped: no terminal control, no line breaks inside a
// value, and JSON output even when a name is not UTF-8.
#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "core/issue/authority.h"
#include "core/issue/certificate_builder.h"
#include "core/issue/describe.h"
#include "core/issue/profiles.h"
#include "core/keys/certificate_signing.h"
#include "core/ledger/ledger.h"
#include "core/util/display_text.h"
#include "core/x509/certificate.h"
#include "core/x509/public_key.h"
#include "tests/support/edited_certificate.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

TEST(Printable, EscapesControlsInvalidUtf8AndBackslashOnly) {
  EXPECT_EQ(printable("kube-apiserver"), "kube-apiserver");
  EXPECT_EQ(printable("Zürich ✓"), "Zürich ✓");
  EXPECT_EQ(printable("a\nb"), "a\\x0Ab");
  EXPECT_EQ(printable("\x1b[31mred"), "\\x1B[31mred");
  EXPECT_EQ(printable("\xff\xfe"), "\\xFF\\xFE");
  EXPECT_EQ(printable("\xc2\x9b"), "\\xC2\\x9B");           // C1 CSI, valid UTF-8
  EXPECT_EQ(printable("\xc0\xaf"), "\\xC0\\xAF");           // overlong '/'
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // surrogate
  EXPECT_EQ(printable(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable("back\\slash"), "back\\\\slash");
  EXPECT_EQ(printable("\xe2\x9c"), "\\xE2\\x9C");  // truncated sequence
}

TEST(Printable, InspectOfHostileNamesIsEscapedInTextAndJson) {
  auto signer = testing::make_signer(Algorithm::EcdsaP256);
  CertificateRequest request;
  request.subject.common_name = "placeholder";
  apply_profile(Profile::Server, KeyType::Ec, request);
  request.subject_public_key = signer->public_key_der();
  request.validity = Validity::from_now(std::chrono::hours(1));
  X509Ptr x = testing::editable_self_signed(request, *signer);
  // Hostile bytes go in below the builder, which would refuse them.
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_ENTRY_free(X509_NAME_delete_entry(name, 0));
  const unsigned char cn[] = "evil\n\x1b]0;pwned\x07";
  ASSERT_TRUE(X509_NAME_add_entry_by_NID(name, NID_commonName, V_ASN1_UTF8STRING, cn, sizeof cn - 1,
                                         -1, 0));
  GeneralNamesPtr sans(GENERAL_NAMES_new());
  GENERAL_NAME* dns = GENERAL_NAME_new();
  ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
  ASN1_STRING_set(ia5, "\xff\x1b[2J.example", -1);
  GENERAL_NAME_set0_value(dns, GEN_DNS, ia5);
  sk_GENERAL_NAME_push(sans.get(), dns);
  ASSERT_TRUE(X509_add1_ext_i2d(x.get(), NID_subject_alt_name, sans.get(), 0, 0));
  Certificate cert = testing::sign_edited(x.get(), *signer);

  nlohmann::json description = describe_file_content(cert.der(), "hostile.der");
  std::string json_text;
  ASSERT_NO_THROW(json_text = description.dump(2))
      << description.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::string text = render_description_text(description);
  for (const std::string* out : {&json_text, &text}) {
    EXPECT_EQ(out->find('\x1b'), std::string::npos) << *out;
    EXPECT_EQ(out->find('\x07'), std::string::npos) << *out;
    EXPECT_EQ(out->find("\xff"), std::string::npos) << *out;
  }
  // ';' is escaped as RFC 4514 asks (subject_to_string), the controls by printable().
  EXPECT_NE(text.find("CN=evil\\x0A\\x1B]0\\;pwned\\x07"), std::string::npos) << text;
}

// A CN holding ", O=system:masters" used to show as two attributes. RFC 4514 escapes keep it one
// value wherever a subject is rendered, shown or matched.
TEST(DistinguishedNames, SpecialCharactersAreEscapedWhereverASubjectIsShown) {
  Subject eve;
  eve.common_name = "eve, O=system:masters";
  eve.organizations = {"dev"};
  EXPECT_EQ(subject_to_string(eve), "CN=eve\\, O=system:masters, O=dev");
  // printable() keeps the escapes as they are (it doubles other backslashes).
  EXPECT_EQ(printable(subject_to_string(eve)), subject_to_string(eve));
  EXPECT_EQ(escape_dn_value("a+b\"c\\d<e>f;g=h"), "a\\+b\\\"c\\\\d\\<e\\>f\\;g=h");
  EXPECT_EQ(escape_dn_value("#x"), "\\#x");
  EXPECT_EQ(escape_dn_value(" x "), "\\ x\\ ");
  EXPECT_EQ(escape_dn_value("x#y z"), "x#y z");
  EXPECT_EQ(escape_dn_value("system:node:cp1"), "system:node:cp1");
  Subject backslash;
  backslash.common_name = "a\\";
  backslash.organizations = {"system:masters"};
  // "a\" then a separator: never "a, O=..." as one escaped value.
  EXPECT_EQ(printable(subject_to_string(backslash)), "CN=a\\\\, O=system:masters");

  // inspect (text and JSON) of a certificate with that CN.
  auto signer = testing::make_signer(Algorithm::EcdsaP256);
  CertificateRequest request;
  request.subject = eve;
  apply_profile(Profile::Client, KeyType::Ec, request);
  request.subject_public_key = signer->public_key_der();
  request.validity = Validity::from_now(std::chrono::hours(1));
  Certificate cert = Authority::self_sign(request, *signer).certificate;
  nlohmann::json description = describe_file_content(cert.der(), "eve.der");
  EXPECT_EQ(description["subject"]["text"], "CN=eve\\, O=system:masters, O=dev");
  EXPECT_EQ(description["subject"]["commonName"], "eve, O=system:masters");
  std::string text = render_description_text(description);
  EXPECT_NE(text.find("CN=eve\\, O=system:masters, O=dev"), std::string::npos) << text;
}

// A ledger record's issuer is a rendered subject: `--ca NAME` matches its CN with the escapes
// undone, and only the CN.
TEST(DistinguishedNames, LedgerIssuerMatchesTheUnescapedCommonName) {
  ledger::IssuanceRecord record;
  Subject issuer;
  issuer.common_name = "ca, O=other";
  issuer.organizations = {"ops"};
  record.issuer = subject_to_string(issuer);
  EXPECT_TRUE(ledger::issued_by(record, "ca, O=other"));
  EXPECT_FALSE(ledger::issued_by(record, "ca\\"));
  EXPECT_FALSE(ledger::issued_by(record, "ca"));
  record.issuer = "CN=etcd-ca, O=x";
  EXPECT_TRUE(ledger::issued_by(record, "etcd-ca"));
}

}  // namespace
}  // namespace kpki
