// redact_key_uri: the one function every printed key URI goes through. A PIN given as pin-value
// must not survive it in the path part, the query, any letter case, or a percent-encoded name.
#include <gtest/gtest.h>

#include "core/key_uri_display.h"

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
  EXPECT_EQ(redact_key_uri("'pkcs11:x?pin-value=1' and 'pkcs11:y?pin-value=2'"),
            "'pkcs11:x?pin-value=***' and 'pkcs11:y?pin-value=***'");
  EXPECT_EQ(redact_key_uri("/etc/kubernetes/pki/ca.key"), "/etc/kubernetes/pki/ca.key");
  EXPECT_EQ(redact_key_uri("pkcs11:token=a?pin-source=file:/run/pin"),
            "pkcs11:token=a?pin-source=file:/run/pin");
  EXPECT_EQ(redact_key_uri("pkcs11:a?pin-value"), "pkcs11:a?pin-value");
  EXPECT_EQ(redact_key_uri("pin-value=%"), "pin-value=***");
  EXPECT_EQ(redact_key_uri(""), "");
}

}  // namespace
}  // namespace kpki
