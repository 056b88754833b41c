// The error model: core and backends say what exists (a file the caller may overwrite) and keep a
// device's status code as a number; the words ("use --force") are the CLI's.
#include <gtest/gtest.h>

#include "backends/backends.h"
#include "backends/pkcs11/ck_error.h"
#include "core/fs/file_io.h"
#include "core/issue/file_group.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using testing::error_of;
using testing::TempDir;

// Core names the file and says nothing about flags it cannot know the caller has.
void expect_existing_file(const Error& e, const std::string& path) {
  EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
  EXPECT_EQ(e.existing_file(), path);
  EXPECT_NE(e.message().find("'" + path + "' already exists"), std::string::npos) << e.message();
  EXPECT_EQ(std::string(e.what()).find("--force"), std::string::npos) << e.what();
}

TEST(ErrorModel, ExistingFileIsAFieldNotAHint) {
  TempDir dir;
  std::string path = dir.file("taken");
  write_file_atomic(path, std::string("x"), 0644, Overwrite::No);
  expect_existing_file(
      error_of([&] { write_file_atomic(path, std::string("y"), 0644, Overwrite::No); }), path);
  expect_existing_file(
      error_of([&] {
        write_files_together({{path, as_bytes(std::string("y")), 0644, Overwrite::No}});
      }),
      path);
}

TEST(ErrorModel, ExistingKeyFileIsAFieldInEveryFileBackend) {
  TempDir dir;
  for (std::string scheme : {"", "botan:"}) {
    std::string path = dir.file(scheme.empty() ? "openssl.key" : "botan.key");
    std::string uri = scheme + path;
    KeyManager& manager = key_registry().manager_for(uri);
    manager.generate(uri, Algorithm::EcdsaP256, {});
    expect_existing_file(error_of([&] { manager.generate(uri, Algorithm::EcdsaP256, {}); }), path);
  }
}

TEST(ErrorModel, CkRvIsKeptAsAValue) {
  Error e = error_of([] { throw_ck(CKR_MECHANISM_INVALID, "signing failed"); });
  EXPECT_EQ(e.code(), ErrorCode::Unsupported);
  ASSERT_TRUE(e.device_code().has_value());
  EXPECT_EQ(*e.device_code(), static_cast<unsigned long>(CKR_MECHANISM_INVALID));
  EXPECT_EQ(e.cause(), "CKR_MECHANISM_INVALID");  // still shown to the user
  // A vendor code the name table does not know keeps its exact value.
  Error vendor = error_of([] { throw_ck(CKR_VENDOR_DEFINED | 0x42, "x"); });
  EXPECT_EQ(*vendor.device_code(), static_cast<unsigned long>(CKR_VENDOR_DEFINED | 0x42));
  EXPECT_EQ(vendor.code(), ErrorCode::DeviceError);
}

TEST(ErrorModel, SoftwareErrorsHaveNoDeviceCode) {
  TempDir dir;
  Error e = error_of(
      [&] { key_registry().manager_for(dir.file("none.key")).open(dir.file("none.key"), {}); });
  EXPECT_EQ(e.code(), ErrorCode::NotFound);
  EXPECT_FALSE(e.device_code().has_value());
  EXPECT_TRUE(e.existing_file().empty());
}

}  // namespace
}  // namespace kpki
