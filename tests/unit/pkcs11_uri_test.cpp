// RFC 7512 parsing: what is accepted, what is refused, and that a PIN never reaches a message.
#include <gtest/gtest.h>

#include "backends/pkcs11/pkcs11_uri.h"
#include "core/util/error.h"

namespace kpki {
namespace {

ErrorCode code_of(const std::string& uri) {
  try {
    parse_pkcs11_uri(uri);
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error for " << uri;
  return ErrorCode::CryptoError;
}

std::string message_of(const std::string& uri) {
  try {
    parse_pkcs11_uri(uri);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Pkcs11Uri, ParsesPathAndQueryAttributes) {
  auto uri = parse_pkcs11_uri(
      "pkcs11:token=kube%20ca;manufacturer=SoftHSM%20project;serial=8f3c;model=SoftHSM%20v2;"
      "object=kubernetes-ca;id=%01%02%ff;type=private"
      "?pin-source=file:/run/kpki/pin&module-path=/usr/lib/softhsm/libsofthsm2.so");
  EXPECT_EQ(uri.token, "kube ca");
  EXPECT_EQ(uri.manufacturer, "SoftHSM project");
  EXPECT_EQ(uri.serial, "8f3c");
  EXPECT_EQ(uri.model, "SoftHSM v2");
  EXPECT_EQ(uri.object, "kubernetes-ca");
  EXPECT_EQ(uri.id, (Bytes{0x01, 0x02, 0xff}));
  EXPECT_EQ(uri.type, "private");
  EXPECT_EQ(uri.pin_source, "/run/kpki/pin");
  EXPECT_EQ(uri.module_path, "/usr/lib/softhsm/libsofthsm2.so");
  EXPECT_FALSE(uri.pin_value.has_value());
}

TEST(Pkcs11Uri, PinSourceAcceptsPlainPathAndFileUrl) {
  EXPECT_EQ(parse_pkcs11_uri("pkcs11:object=a?pin-source=/p").pin_source, "/p");
  EXPECT_EQ(parse_pkcs11_uri("pkcs11:object=a?pin-source=file:///p").pin_source, "/p");
  EXPECT_EQ(parse_pkcs11_uri("pkcs11:object=a?pin-source=rel/pin").pin_source, "rel/pin");
}

TEST(Pkcs11Uri, EmptyAndMinimal) {
  auto uri = parse_pkcs11_uri("pkcs11:");
  EXPECT_FALSE(uri.has_token_selector());
  EXPECT_FALSE(uri.has_object_selector());
  EXPECT_TRUE(parse_pkcs11_uri("pkcs11:token=a;").token.has_value());
}

TEST(Pkcs11Uri, RejectsBadInput) {
  EXPECT_EQ(code_of("file:/x"), ErrorCode::InvalidInput);
  EXPECT_EQ(code_of("pkcs11:token=a%2"), ErrorCode::InvalidInput);
  EXPECT_EQ(code_of("pkcs11:token=a%zz"), ErrorCode::InvalidInput);
  EXPECT_EQ(code_of("pkcs11:token=a;token=b"), ErrorCode::InvalidInput);
  EXPECT_EQ(code_of("pkcs11:slot-id=1"), ErrorCode::InvalidInput);
  EXPECT_EQ(code_of("pkcs11:x-vendor=1"), ErrorCode::InvalidInput);
  EXPECT_EQ(code_of("pkcs11:type=secret"), ErrorCode::InvalidInput);
  EXPECT_EQ(code_of("pkcs11:token"), ErrorCode::InvalidInput);
  EXPECT_EQ(code_of("pkcs11:object=a?pin-source=a&pin-source=b"), ErrorCode::InvalidInput);
  EXPECT_EQ(code_of("pkcs11:object=a?module-name="), ErrorCode::InvalidInput);
  EXPECT_EQ(code_of("pkcs11:object=a?module-name=a&module-path=/b"), ErrorCode::InvalidInput);
  EXPECT_EQ(code_of("pkcs11:object=a?pin-source=a&pin-value=b"), ErrorCode::InvalidInput);
  EXPECT_NE(message_of("pkcs11:bogus=1").find("pkcs11:bogus=1"), std::string::npos)
      << "the message names the URI";
  EXPECT_NE(message_of("pkcs11:bogus=1").find("'bogus'"), std::string::npos);
}

TEST(Pkcs11Uri, PinValueIsKeptButNeverEchoed) {
  auto uri = parse_pkcs11_uri("pkcs11:token=a;object=b?pin-value=s3cr%65t&module-path=/m.so");
  ASSERT_TRUE(uri.pin_value.has_value());
  EXPECT_EQ(uri.pin_value->reveal(), "s3cret");
  EXPECT_EQ(uri.display.find("s3cr"), std::string::npos);
  EXPECT_EQ(message_of("pkcs11:token=a;bad=1?pin-value=s3cret").find("s3cret"), std::string::npos);
  EXPECT_EQ(message_of("pkcs11:token=a?pin-value=s3cret&pin-value=other").find("s3cret"),
            std::string::npos);
  EXPECT_EQ(message_of("pkcs11:token=a?pin-value=s3%zzcret").find("s3"), std::string::npos);
  EXPECT_EQ(redact_key_uri("pkcs11:a=b?pin-value=xyz&module-path=/m"),
            "pkcs11:a=b?pin-value=***&module-path=/m");
}

TEST(Pkcs11Uri, HexAndPercentEncoding) {
  Bytes b = {0x00, 0x7f, 0xab, 'a', '-'};
  EXPECT_EQ(to_hex(b), "007fab612d");
  EXPECT_EQ(percent_encode(b), "%00%7F%ABa-");
}

}  // namespace
}  // namespace kpki
