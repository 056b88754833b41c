// Failures a user will meet with tokens: each a clear error with the right code, the CK_RV as
// device_code() (and its name as cause) where there is one, and never the PIN.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "backends/pkcs11/pkcs11_key_manager.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/softhsm_token.h"

namespace kpki {
namespace {

using test::SoftHsmToken;
using testing::error_of;

class Pkcs11Errors : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  }
  Pkcs11KeyManager manager_;
};

TEST_F(Pkcs11Errors, WrongPin) {
  SoftHsmToken token;
  std::string bad = SoftHsmToken::directory() + "/" + token.label() + ".badpin";
  std::ofstream(bad) << "not-the-pin-123\n";
  chmod(bad.c_str(), 0600);  // a PIN file others can read is refused before any login
  auto e = error_of([&] { manager_.open(token.uri_with_pin_file("ca", bad), {}); });
  EXPECT_EQ(e.code(), ErrorCode::PinIncorrect);
  EXPECT_EQ(e.device_code(), std::optional<unsigned long>(CKR_PIN_INCORRECT));
  EXPECT_NE(e.message().find(token.label()), std::string::npos);
  EXPECT_EQ(std::string(e.what()).find("not-the-pin"), std::string::npos);
}

TEST_F(Pkcs11Errors, WrongPinValueIsNotEchoed) {
  SoftHsmToken token;
  std::string uri = "pkcs11:token=" + token.label() +
                    ";object=ca?pin-value=wrong-secret-99&module-path=" + token.module();
  auto e = error_of([&] { manager_.open(uri, {}); });
  EXPECT_EQ(e.code(), ErrorCode::PinIncorrect);
  EXPECT_EQ(std::string(e.what()).find("wrong-secret-99"), std::string::npos);
}

TEST_F(Pkcs11Errors, MissingPinFileNamesTheFile) {
  SoftHsmToken token;
  auto e =
      error_of([&] { manager_.open(token.uri_with_pin_file("ca", "/nonexistent/kpki-pin"), {}); });
  EXPECT_NE(std::string(e.what()).find("/nonexistent/kpki-pin"), std::string::npos);
}

TEST_F(Pkcs11Errors, MissingTokenListsPresentTokens) {
  SoftHsmToken token;
  std::string uri = "pkcs11:token=no-such-token;object=ca?pin-source=" + token.pin_file() +
                    "&module-path=" + token.module();
  auto e = error_of([&] { manager_.open(uri, {}); });
  EXPECT_EQ(e.code(), ErrorCode::NotFound);
  EXPECT_EQ(e.device_code(), std::optional<unsigned long>(CKR_TOKEN_NOT_PRESENT));
  EXPECT_NE(e.message().find("no-such-token"), std::string::npos);
  EXPECT_NE(e.message().find("token=" + token.label()), std::string::npos) << e.message();
}

TEST_F(Pkcs11Errors, MissingKeyListsPresentKeys) {
  SoftHsmToken token;
  manager_.generate(token.uri("present-key"), Algorithm::EcdsaP256, {});
  auto e = error_of([&] { manager_.open(token.uri("absent-key"), {}); });
  EXPECT_EQ(e.code(), ErrorCode::NotFound);
  EXPECT_NE(e.message().find("absent-key"), std::string::npos);
  EXPECT_NE(e.message().find("'present-key'"), std::string::npos) << e.message();
}

TEST_F(Pkcs11Errors, DuplicateLabelOrIdIsRefused) {
  SoftHsmToken token;
  manager_.generate(token.uri("ca"), Algorithm::EcdsaP256, {});
  auto e = error_of([&] { manager_.generate(token.uri("ca"), Algorithm::Rsa2048, {}); });
  EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
  EXPECT_NE(e.message().find("'ca'"), std::string::npos);
  EXPECT_TRUE(e.existing_file().empty());  // tokens never overwrite: nothing for --force to do

  std::string with_id = "pkcs11:token=" + token.label() +
                        ";object=one;id=%01?pin-source=" + token.pin_file() +
                        "&module-path=" + token.module();
  manager_.generate(with_id, Algorithm::EcdsaP256, {});
  std::string same_id = "pkcs11:token=" + token.label() +
                        ";object=two;id=%01?pin-source=" + token.pin_file() +
                        "&module-path=" + token.module();
  EXPECT_EQ(error_of([&] { manager_.generate(same_id, Algorithm::EcdsaP256, {}); }).code(),
            ErrorCode::AlreadyExists);
}

TEST_F(Pkcs11Errors, MissingModule) {
  auto e = error_of(
      [&] { manager_.open("pkcs11:token=a;object=b?module-path=/nonexistent/libmodule.so", {}); });
  EXPECT_EQ(e.code(), ErrorCode::NotFound);
  EXPECT_NE(e.message().find("/nonexistent/libmodule.so"), std::string::npos);
}

TEST_F(Pkcs11Errors, UriWithoutObjectIsRefused) {
  SoftHsmToken token;
  EXPECT_EQ(error_of([&] { manager_.open(token.uri(""), {}); }).code(), ErrorCode::InvalidInput);
}

TEST_F(Pkcs11Errors, NoPinAndNoTerminal) {
  SoftHsmToken token;
  if (isatty(0)) GTEST_SKIP() << "stdin is a terminal";
  std::string uri = "pkcs11:token=" + token.label() + ";object=ca?module-path=" + token.module();
  auto e = error_of([&] { manager_.open(uri, {}); });
  EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
  EXPECT_NE(e.message().find("pin-source"), std::string::npos);
}

}  // namespace
}  // namespace kpki
