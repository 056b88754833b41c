// What kpki trusts about a PKCS#11 setup: which module file it loads (checked before dlopen, or
// found through p11-kit's registry by module-name), which PIN files it reads (private ones
// only), and what a token key may do (generated read-only; extra uses warned about).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "backends/backends.h"
#include "backends/pkcs11/pkcs11_key_manager.h"
#include "backends/pkcs11/pkcs11_module_file.h"
#include "backends/pkcs11/pkcs11_objects.h"
#include "backends/pkcs11/pkcs11_uri.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/util/error.h"
#include "tests/support/softhsm_token.h"

namespace kpki {
namespace {

namespace fs = std::filesystem;
using test::SoftHsmToken;

std::string error_of(const std::function<void()>& f, ErrorCode* code = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (code) *code = e.code();
    return e.what();
  }
  return "(no error)";
}

// A directory next to the test libraries (root-owned build tree, safe), removed afterwards.
class ScratchDir {
 public:
  ScratchDir() {
    path_ = fs::path(KPKI_TEST_MARKER_LIB).parent_path() /
            ("scratch-" + std::to_string(getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directory(path_);
    chmod(path_.c_str(), 0755);
  }
  ~ScratchDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

// Copies the marker library to `to` with `mode`; $KPKI_TEST_MARKER is where it would write.
std::string place_marker_library(const fs::path& to, mode_t mode, const fs::path& marker) {
  fs::copy_file(KPKI_TEST_MARKER_LIB, to, fs::copy_options::overwrite_existing);
  chmod(to.c_str(), mode);
  setenv("KPKI_TEST_MARKER", marker.c_str(), 1);
  return to.string();
}

TEST(Pkcs11ModuleFile, UnsafeModuleIsRefusedBeforeLoading) {
  ScratchDir scratch;
  fs::path marker = scratch.path() / "marker";
  // Control: from a safe place the library is loaded (constructor runs), then found not to be a
  // PKCS#11 module. This shows the marker test below can fail.
  std::string safe = place_marker_library(scratch.path() / "safe.so", 0755, marker);
  EXPECT_NE(error_of([&] { Pkcs11Module::get(safe); }).find("not a PKCS#11 module"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(marker));
  fs::remove(marker);

  std::string writable = place_marker_library(scratch.path() / "writable.so", 0666, marker);
  ErrorCode code{};
  std::string why = error_of([&] { Pkcs11Module::get(writable); }, &code);
  EXPECT_EQ(code, ErrorCode::InvalidInput);
  EXPECT_NE(why.find("is mode 0666: writable by others"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(marker));

  fs::path open_dir = scratch.path() / "world";
  fs::create_directory(open_dir);
  chmod(open_dir.c_str(), 0777);
  std::string in_open_dir = place_marker_library(open_dir / "m.so", 0755, marker);
  why = error_of([&] { Pkcs11Module::get(in_open_dir); });
  EXPECT_NE(why.find("directory '" + open_dir.string() + "' is mode 0777"), std::string::npos)
      << why;
  EXPECT_FALSE(fs::exists(marker));

  // A sticky directory (like /tmp) may be writable by all: nobody else can replace our entry.
  fs::path sticky_dir = scratch.path() / "sticky";
  fs::create_directory(sticky_dir);
  chmod(sticky_dir.c_str(), 01777);
  std::string in_sticky_dir = place_marker_library(sticky_dir / "m.so", 0755, marker);
  EXPECT_NE(error_of([&] { Pkcs11Module::get(in_sticky_dir); }).find("not a PKCS#11 module"),
            std::string::npos);
  EXPECT_TRUE(fs::exists(marker));
  fs::remove(marker);

  // A symlink is judged by what it points to.
  fs::create_symlink(open_dir / "m.so", scratch.path() / "link.so");
  why = error_of([&] { Pkcs11Module::get((scratch.path() / "link.so").string()); });
  EXPECT_NE(why.find("writable by others"), std::string::npos) << why;
  EXPECT_FALSE(fs::exists(marker));

  // A symlink is checked where it sits too: in a world-writable directory anyone may re-point it,
  // whatever it points to now.
  fs::create_symlink(in_sticky_dir, open_dir / "to-safe.so");
  why = error_of([&] { Pkcs11Module::get((open_dir / "to-safe.so").string()); });
  EXPECT_NE(why.find("directory '" + open_dir.string() + "' is mode 0777"), std::string::npos)
      << why;
  EXPECT_FALSE(fs::exists(marker));
  unsetenv("KPKI_TEST_MARKER");
}

// module-name reads p11-kit's registry without loading it: a module registered in the user's
// config (here through $XDG_CONFIG_HOME) is found by its name, and loaded by nothing else.
TEST(Pkcs11ModuleFile, RegistryLookupLoadsNoModule) {
  if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  ScratchDir scratch;
  fs::path marker = scratch.path() / "marker";
  std::string evil = place_marker_library(scratch.path() / "evil.so", 0755, marker);
  fs::create_directories(scratch.path() / "pkcs11" / "modules");
  std::ofstream(scratch.path() / "pkcs11" / "modules" / "evil.module")
      << "module: " << evil << "\n";
  std::string saved = getenv("XDG_CONFIG_HOME") ? getenv("XDG_CONFIG_HOME") : "";
  setenv("XDG_CONFIG_HOME", scratch.path().c_str(), 1);

  EXPECT_EQ(fs::canonical(pkcs11_module_for_name("softhsm2")), fs::canonical(test::kSoftHsmModule));
  EXPECT_EQ(fs::canonical(pkcs11_default_module()), fs::canonical(test::kSoftHsmModule));
  std::string unknown = error_of([] { pkcs11_module_for_name("nope"); });
  if (getuid() == 0) {
    // p11-kit ignores user configs for root, and so does kpki (pkcs11_module_trust.sh runs this
    // part as nobody).
    EXPECT_EQ(unknown.find("evil"), std::string::npos) << unknown;
    EXPECT_NE(error_of([] { pkcs11_module_for_name("evil"); }).find("no PKCS#11 module named"),
              std::string::npos);
  } else {
    EXPECT_NE(unknown.find("evil"), std::string::npos) << unknown;
    EXPECT_EQ(pkcs11_module_for_name("evil"), evil);
    // The config that names a module is trusted like the module: here others may rewrite it.
    chmod((scratch.path() / "pkcs11" / "modules").c_str(), 0777);
    std::string why = error_of([] { pkcs11_module_for_name("evil"); });
    EXPECT_NE(why.find("refusing to load PKCS#11 module config"), std::string::npos) << why;
    chmod((scratch.path() / "pkcs11" / "modules").c_str(), 0755);
  }
  EXPECT_FALSE(fs::exists(marker));

  if (saved.empty()) {
    unsetenv("XDG_CONFIG_HOME");
  } else {
    setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
  }
  unsetenv("KPKI_TEST_MARKER");
  EXPECT_FALSE(fs::exists(marker));
}

TEST(Pkcs11ModuleFile, RelativeMissingAndNonRegularPathsAreRefused) {
  EXPECT_NE(error_of([] { require_safe_module_file("libsofthsm2.so"); }).find("must be absolute"),
            std::string::npos);
  ErrorCode code{};
  error_of([] { require_safe_module_file("/nonexistent/module.so"); }, &code);
  EXPECT_EQ(code, ErrorCode::NotFound);
  EXPECT_NE(error_of([] { require_safe_module_file("/usr/lib"); }).find("not a regular file"),
            std::string::npos);
}

TEST(Pkcs11ModuleFile, ModuleNameResolvesThroughP11KitRegistry) {
  if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  std::string path = pkcs11_module_for_name("softhsm2");
  EXPECT_EQ(fs::canonical(path), fs::canonical(test::kSoftHsmModule));
  std::string why = error_of([] { pkcs11_module_for_name("no-such-module"); });
  EXPECT_NE(why.find("registered: "), std::string::npos) << why;
  EXPECT_NE(why.find("softhsm2"), std::string::npos) << why;

  auto uri = parse_pkcs11_uri("pkcs11:token=a?module-name=softhsm2");
  EXPECT_EQ(uri.module_name, "softhsm2");
  EXPECT_EQ(fs::canonical(pkcs11_module_path(uri, "/other.so")),
            fs::canonical(test::kSoftHsmModule));
  EXPECT_NE(error_of([] {
              parse_pkcs11_uri("pkcs11:token=a?module-name=x&module-path=/m.so");
            }).find("either module-name or module-path"),
            std::string::npos);
}

TEST(Pkcs11ModuleFile, ModuleNameUsesThePrivateSoftHsmConfig) {
  if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  SoftHsmToken token;  // in the test's own SOFTHSM2_CONF
  std::string uri = "pkcs11:token=" + token.label() +
                    ";object=named?module-name=softhsm2&pin-source=file:" + token.pin_file();
  Pkcs11KeyManager manager;
  manager.generate(uri, Algorithm::EcdsaP256, {});
  EXPECT_TRUE(manager.exists(uri, {}));
}

TEST(Pkcs11ModuleFile, ConfigResolvesRelativeModulePathAgainstItsDirectory) {
  EXPECT_EQ(
      kube::resolve_key_uri("pkcs11:token=a;object=b?module-path=lib/m.so&pin-source=file:pin",
                            "/etc/kpki", key_registry()),
      "pkcs11:token=a;object=b?module-path=/etc/kpki/lib/m.so&pin-source=file:/etc/kpki/pin");
  EXPECT_EQ(
      kube::resolve_key_uri("pkcs11:token=a?module-path=/abs/m.so", "/etc/kpki", key_registry()),
      "pkcs11:token=a?module-path=/abs/m.so");
}

class Pkcs11TrustToken : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::softhsm_available()) GTEST_SKIP() << "SoftHSM2 is not installed";
  }
  Pkcs11KeyManager manager_;
  KeyOptions options_;
};

TEST_F(Pkcs11TrustToken, PinFileReadableByOthersIsRefused) {
  SoftHsmToken token;
  chmod(token.pin_file().c_str(), 0644);
  ErrorCode code{};
  std::string why = error_of([&] { manager_.exists(token.uri("ca"), options_); }, &code);
  EXPECT_EQ(code, ErrorCode::InvalidInput);
  EXPECT_NE(why.find("PIN file '" + token.pin_file() +
                     "' is mode 0644, open to group and others: chmod 600"),
            std::string::npos)
      << why;
  chmod(token.pin_file().c_str(), 0640);
  why = error_of([&] { manager_.exists(token.uri("ca"), options_); });
  EXPECT_NE(why.find("is mode 0640, open to group: chmod 600"), std::string::npos) << why;
  chmod(token.pin_file().c_str(), 0600);
  EXPECT_FALSE(manager_.exists(token.uri("ca"), options_));
}

TEST_F(Pkcs11TrustToken, GeneratedKeysAreNotModifiable) {
  SoftHsmToken token;
  for (Algorithm alg : {Algorithm::EcdsaP256, Algorithm::Rsa2048, Algorithm::Ed25519}) {
    manager_.generate(token.uri(std::string("ca-") + std::string(algorithm_name(alg))), alg,
                      options_);
  }
  auto keys = manager_.list_keys(token.uri(""), options_);
  ASSERT_EQ(keys.size(), 6u);
  for (const auto& k : keys) {
    EXPECT_EQ(k.modifiable, std::optional<bool>(false)) << k.object_class << " " << k.label;
  }
}

TEST_F(Pkcs11TrustToken, OpeningAKeyWithExtraUsesWarns) {
  SoftHsmToken token;
  manager_.generate(token.uri("tight"), Algorithm::EcdsaP256, options_);
  // A key made by someone else: extractable and allowed to derive.
  Pkcs11Uri uri = parse_pkcs11_uri(token.uri("loose"));
  Pkcs11Token& tok = Pkcs11Token::find(Pkcs11Module::get(token.module()), uri);
  tok.login(uri);
  {
    Pkcs11Session session = tok.acquire();
    std::vector<Pkcs11Attr> pub = {
        Pkcs11Attr::boolean(CKA_TOKEN, true), Pkcs11Attr::text(CKA_LABEL, "loose"),
        Pkcs11Attr::bytes(CKA_ID, Bytes{1, 2, 3}),
        Pkcs11Attr::bytes(CKA_EC_PARAMS, ec_params_der(Algorithm::EcdsaP256))};
    std::vector<Pkcs11Attr> priv = {
        Pkcs11Attr::boolean(CKA_TOKEN, true),       Pkcs11Attr::boolean(CKA_PRIVATE, true),
        Pkcs11Attr::boolean(CKA_SIGN, true),        Pkcs11Attr::boolean(CKA_DERIVE, true),
        Pkcs11Attr::boolean(CKA_EXTRACTABLE, true), Pkcs11Attr::text(CKA_LABEL, "loose"),
        Pkcs11Attr::bytes(CKA_ID, Bytes{1, 2, 3})};
    auto pub_t = ck_template(pub);
    auto priv_t = ck_template(priv);
    CK_MECHANISM mech{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
    CK_OBJECT_HANDLE pub_h, priv_h;
    ASSERT_EQ(session.fn()->C_GenerateKeyPair(session.handle(), &mech, pub_t.data(), pub_t.size(),
                                              priv_t.data(), priv_t.size(), &pub_h, &priv_h),
              CKR_OK);
  }
  testing::internal::CaptureStderr();
  manager_.open(token.uri("loose"), options_);
  std::string loose = testing::internal::GetCapturedStderr();
  EXPECT_NE(loose.find("allows more than signing (extractable, "), std::string::npos) << loose;
  EXPECT_NE(loose.find("derive)"), std::string::npos) << loose;
  testing::internal::CaptureStderr();
  manager_.open(token.uri("tight"), options_);
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

}  // namespace
}  // namespace kpki
