// redact_key_uri: the one function every printed key URI goes through. A PIN given as pin-value
// must not survive it in the path part, the query, any letter case, or a percent-encoded name.
#include <gtest/gtest.h>

#include "core/util/key_uri_display.h"

namespace kpki {
namespace {

constexpr const char* kPin = "4711s3cret";

void expect_masked(const std::string& text) {
  std::string shown = redact_key_uri(text);
  EXPECT_EQ(shown.find(kPin), std::string::npos) << text << " -> " << shown;
  EXPECT_NE(shown.find("***"), std::string::npos) << text << " -> " << shown;
}

TEST(KeyUriDisplay, MasksPinValueEverywhere) {
  expect_masked(std::string("pkcs11:token=a;object=b?pin-value=") + kPin);
  expect_masked(std::string("pkcs11:token=a?module-path=/m.so&pin-value=") + kPin + "&x=1");
  expect_masked(std::string("pkcs11:token=a;pin-value=") + kPin + ";object=b");  // path part
  expect_masked(std::string("pkcs11:token=a;PIN-VALUE=") + kPin);
  expect_masked(std::string("pkcs11:token=a?Pin-Value=") + kPin);
  expect_masked(std::string("pkcs11:token=a?pin%2Dvalue=") + kPin);
  expect_masked(std::string("pkcs11:token=a?%70in%2dVALUE%3d") + kPin);
  expect_masked(std::string("libp11:token=a?pin-value=") + kPin);
  expect_masked(std::string("kpki: error: cannot open 'pkcs11:object=a?pin-value=") + kPin +
                "' on the token");
}

TEST(KeyUriDisplay, MasksEveryOccurrenceAndKeepsTheRest) {
  EXPECT_EQ(redact_key_uri("pkcs11:a=b?pin-value=xyz&module-path=/m"),
            "pkcs11:a=b?pin-value=***&module-path=/m");
  EXPECT_EQ(redact_key_uri("pkcs11:pin-value=1;object=c?pin-value=a;b&pin-value=2"),
            "pkcs11:pin-value=***;object=c?pin-value=***&pin-value=***");
  EXPECT_EQ(redact_key_uri("/etc/kubernetes/pki/ca.key"), "/etc/kubernetes/pki/ca.key");
  EXPECT_EQ(redact_key_uri("pkcs11:token=a?pin-source=file:/run/pin"),
            "pkcs11:token=a?pin-source=file:/run/pin");
  EXPECT_EQ(redact_key_uri("pkcs11:a?pin-value"), "pkcs11:a?pin-value");
  EXPECT_EQ(redact_key_uri("pin-value=%"), "pin-value=***");
  EXPECT_EQ(redact_key_uri(""), "");
}

// What the parser reads as the value is masked whole: quotes, spaces, '#', ';' and '?' in the
// query, %-escapes. Only '&' (the next attribute) ends it, or the end of the URI.
TEST(KeyUriDisplay, MasksHostileValuesWhole) {
  EXPECT_EQ(redact_key_uri("pkcs11:token=a;object=b?pin-value=s3cr'et tail\"end"),
            "pkcs11:token=a;object=b?pin-value=***");
  EXPECT_EQ(redact_key_uri("pkcs11:token=a?pin-value=a#b c&module-path=/m.so"),
            "pkcs11:token=a?pin-value=***&module-path=/m.so");
  EXPECT_EQ(redact_key_uri("pkcs11:token=a?pin-value=%27%20x;y?z"), "pkcs11:token=a?pin-value=***");
  EXPECT_EQ(redact_key_uri("pkcs11:token=a?pin-value=x y&PIN-VALUE=\"q\"&pin%2dvalue=#"),
            "pkcs11:token=a?pin-value=***&PIN-VALUE=***&pin%2dvalue=***");
  // The path part: a value ends at ';' or '?', as the parser splits it.
  EXPECT_EQ(redact_key_uri("pkcs11:pin-value=a b'c;object=x?pin-value=d e"),
            "pkcs11:pin-value=***;object=x?pin-value=***");
  // One command-line argument holding a URI after an option name.
  EXPECT_EQ(redact_key_uri("--token-uri=pkcs11:t?pin-value=' \" # tail"),
            "--token-uri=pkcs11:t?pin-value=***");
}

// Messages: a value redact_key_uri masked is kept with the text after it; anything else is masked
// to the next '&' or the end of the message, so an unredacted URI never shows its PIN.
TEST(KeyUriDisplay, MessagesKeepMasksAndNeverShowAnUnmaskedValue) {
  EXPECT_EQ(redact_key_uris_in_text("cannot open 'pkcs11:x?pin-value=***' on token 'a'"),
            "cannot open 'pkcs11:x?pin-value=***' on token 'a'");
  EXPECT_EQ(redact_key_uris_in_text("kpki sign --ca-key pkcs11:x?pin-value=*** --out c.crt"),
            "kpki sign --ca-key pkcs11:x?pin-value=*** --out c.crt");
  EXPECT_EQ(redact_key_uris_in_text("cannot open 'pkcs11:x?pin-value=s3cr'et tail\"end' on it"),
            "cannot open 'pkcs11:x?pin-value=***");
  EXPECT_EQ(redact_key_uris_in_text("'pkcs11:x?pin-value=1' and 'pkcs11:y?pin-value=***'"),
            "'pkcs11:x?pin-value=***");
  EXPECT_EQ(redact_key_uris_in_text("'pkcs11:x?pin-value=***' and 'pkcs11:y?pin-value=2 3'"),
            "'pkcs11:x?pin-value=***' and 'pkcs11:y?pin-value=***");
  EXPECT_EQ(redact_key_uris_in_text("a?pin-value=****' x&module-path=/m"),
            "a?pin-value=***&module-path=/m");
  EXPECT_EQ(redact_key_uris_in_text("no URI here"), "no URI here");
  // Every message redact_key_uri made from a hostile URI passes the backstop unchanged.
  for (const char* uri : {"pkcs11:t?pin-value=s3cr'et tail\"end", "pkcs11:t?pin-value=a#b&x=1",
                          "pkcs11:pin-value=q r;object=o?pin-value=%41 b"}) {
    std::string shown = "key '" + redact_key_uri(uri) + "' is absent";
    EXPECT_EQ(redact_key_uris_in_text(shown), shown);
  }
}

}  // namespace
}  // namespace kpki
