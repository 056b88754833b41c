// Names from inspected files are shown escaped: no terminal control, no line breaks inside a
// value, and JSON output even when a name is not UTF-8.
#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "core/certificate_builder.h"
#include "core/certificate_signing.h"
#include "core/describe.h"
#include "core/display_text.h"
#include "core/profiles.h"
#include "core/public_key.h"
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
  X509Ptr x = build_unsigned_certificate(request, IssuerIdentity{});
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
  EvpPkeyPtr key = public_key_from_der(signer->public_key_der());
  Certificate cert = SigningContext(*signer, key.get()).sign(x.get());

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
  EXPECT_NE(text.find("CN=evil\\x0A\\x1B]0;pwned\\x07"), std::string::npos) << text;
}

}  // namespace
}  // namespace kpki
