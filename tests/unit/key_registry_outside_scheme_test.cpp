// A program embedding kpki registers its own backend under its own URI scheme (examples/embed):
// the registry must route such URIs to it, while an unregistered scheme is still refused.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "backends/backends.h"
#include "core/issue/authority.h"
#include "core/issue/file_group.h"
#include "core/keys/key_registry.h"
#include "core/ledger/issuance_journal.h"
#include "core/util/error.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

// "outside:PATH" keys are PKCS#8 files kept by the built-in file backend: real keys, and a
// manager kpki does not know about.
class OutsideKeyManager : public KeyManager {
 public:
  bool exists(const std::string& uri, const KeyOptions& options) override {
    return key_registry().manager_for(file_uri(uri)).exists(file_uri(uri), options);
  }
  std::unique_ptr<Signer> generate(const std::string& uri, Algorithm algorithm,
                                   const KeyOptions& options) override {
    ++calls;
    return key_registry().manager_for(file_uri(uri)).generate(file_uri(uri), algorithm, options);
  }
  std::unique_ptr<Signer> open(const std::string& uri, const KeyOptions& options) override {
    ++calls;
    return key_registry().manager_for(file_uri(uri)).open(file_uri(uri), options);
  }
  int calls = 0;

 private:
  static std::string file_uri(const std::string& uri) {
    return "file:" + uri.substr(uri.find(':') + 1);
  }
};

// A private temporary directory, removed however the test ends.
struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("kpki-outside-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
};

TEST(KeyRegistryOutsideScheme, RegisteredSchemeIsRoutedAndSigns) {
  TempDir temp;
  const auto& dir = temp.path;
  KeyRegistry registry;
  auto owned = std::make_unique<OutsideKeyManager>();
  OutsideKeyManager* manager = owned.get();
  registry.add("outside", std::move(owned));

  std::string uri = "outside:" + (dir / "ca.key").string();
  bool created = false;
  auto signer = registry.open_or_generate(uri, Algorithm::EcdsaP256, {}, &created);
  EXPECT_TRUE(created);
  EXPECT_EQ(manager->calls, 1);
  EXPECT_EQ(&registry.manager_for(uri), manager);

  CertificateRequest request;
  request.subject.common_name = "outside-ca";
  request.is_ca = true;
  request.key_usage = kKeyCertSign | kCrlSign | kDigitalSignature;
  request.validity = Validity::from_now(std::chrono::hours(24));
  Certificate ca = Authority::self_sign(request, *signer).certificate;
  EXPECT_EQ(ca.public_key_der(), signer->public_key_der());
}

// With a ledger recording, the CA's record names the embedder's scheme as its backend (this
// failed with "unknown key URI scheme 'outside'" while the backend came from a fixed list).
TEST(KeyRegistryOutsideScheme, RegisteredSchemeIsRecordedAsTheBackend) {
  TempDir temp;
  KeyRegistry registry;
  registry.add("outside", std::make_unique<OutsideKeyManager>());
  std::string uri = "outside:" + (temp.path / "ca.key").string();
  auto signer = registry.open_or_generate(uri, Algorithm::EcdsaP256, {});
  std::string ledger_path = (temp.path / "ledger.db").string();
  ledger::IssuanceJournal journal(ledger::open_ledger(ledger_path),
                                  ledger::JournalContext::of_this_process("embed"));
  CertificateRequest request;
  request.subject.common_name = "outside-ca";
  request.is_ca = true;
  request.key_usage = kKeyCertSign | kCrlSign | kDigitalSignature;
  request.validity = Validity::from_now(std::chrono::hours(24));
  Issued ca = Authority::self_sign(request, *signer, testing::authority_options(&journal, uri));
  write_recorded_file((temp.path / "ca.crt").string(), ca.certificate.pem(), 0644, Overwrite::No,
                      ca.record);
  journal.finish();
  auto records = ledger::open_ledger(ledger_path)->list({});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].backend, "outside");
  EXPECT_EQ(records[0].ca_key_uri, uri);
  EXPECT_EQ(records[0].state, ledger::RecordState::Released);
}

TEST(KeyRegistryOutsideScheme, UnregisteredSchemeIsStillRefused) {
  KeyRegistry registry;
  registry.add("outside", std::make_unique<OutsideKeyManager>());
  try {
    registry.manager_for("elsewhere:key");
    FAIL() << "an unregistered scheme was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
  }
}

}  // namespace
}  // namespace kpki
