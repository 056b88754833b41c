// Which ledger belongs to a CA (core/ledger/ledger_home.h) and how a lost or replaced one is
// noticed (core/ledger/ledger_binding.h), on real SQLite ledgers in a temp directory.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "core/ledger/ledger_binding.h"
#include "core/ledger/ledger_home.h"
#include "core/util/error.h"
#include "tests/support/test_keys.h"

namespace kpki::ledger {
namespace {

namespace fs = std::filesystem;
using kpki::testing::TempDir;

std::string home_dir_of(const std::string& ca_cert) {
  return home_of_ca_certificate(ca_cert).dir.string();
}

// A tree as init leaves it: OUT/ledger-state.json says so.
void make_tree(const std::string& out) {
  fs::create_directories(out + "/nodes/cp1/pki/etcd");
  update_ledger_state(home_of_tree(out), [](LedgerState& s) { s.tree = true; });
}

TEST(LedgerHome, EveryCopyOfATreesCaCertificateMapsToTheTree) {
  TempDir dir;
  std::string out = dir.file("out");
  make_tree(out);
  EXPECT_EQ(home_dir_of(out + "/pki/ca.crt"), out);
  EXPECT_EQ(home_dir_of(out + "/pki/etcd/ca.crt"), out);
  EXPECT_EQ(home_dir_of(out + "/nodes/cp1/pki/ca.crt"), out);
  EXPECT_EQ(home_dir_of(out + "/nodes/cp1/pki/etcd/ca.crt"), out);
  EXPECT_TRUE(home_of_ca_certificate(out + "/pki/ca.crt").tree);
  EXPECT_EQ(home_of_ca_certificate(out + "/pki/ca.crt").default_ledger(), out + "/ledger.db");
  // Not a layout kpki makes: beside the certificate.
  EXPECT_EQ(home_dir_of(out + "/nodes/cp1/other/ca.crt"), out + "/nodes/cp1/other");
}

TEST(LedgerHome, APlainDirectoryIsNoTreeAndNothingIsLookedForFurtherUp) {
  TempDir dir;
  fs::create_directories(dir.file("a/b/pki"));
  make_tree(dir.path());  // a tree two levels up is not this CA's
  EXPECT_EQ(home_dir_of(dir.file("a/b/pki/ca.crt")), dir.file("a/b/pki"));
  EXPECT_FALSE(home_of_ca_certificate(dir.file("a/b/pki/ca.crt")).tree);
}

TEST(LedgerHome, AStateOthersCouldHavePlantedMakesNoTree) {
  TempDir dir;
  std::string out = dir.file("out");
  make_tree(out);
  std::string state = out + "/ledger-state.json";
  ::chmod(state.c_str(), 0620);  // group-writable
  EXPECT_EQ(home_dir_of(out + "/pki/ca.crt"), out + "/pki");
  ::chmod(state.c_str(), 0600);
  ::chmod(out.c_str(), 0777);  // others may add files to OUT
  EXPECT_EQ(home_dir_of(out + "/pki/ca.crt"), out + "/pki");
  ::chmod(out.c_str(), 0700);
  EXPECT_EQ(home_dir_of(out + "/pki/ca.crt"), out);
  fs::rename(state, dir.file("real-state.json"));
  fs::create_symlink(dir.file("real-state.json"), state);  // a link is no state
  EXPECT_EQ(home_dir_of(out + "/pki/ca.crt"), out + "/pki");
}

TEST(LedgerBinding, AMissingOrReplacedLedgerIsRefusedWithItsKind) {
  TempDir dir;
  LedgerHome home = home_of_tree(dir.file("out"));
  std::string spec = home.default_ledger();
  std::string id = open_bound_ledger(home, spec)->identity();  // binds
  EXPECT_EQ(open_bound_ledger(home, spec)->identity(), id);
  fs::remove(spec);
  try {
    open_bound_ledger(home, spec);
    FAIL() << "a missing ledger was opened";
  } catch (const LedgerBindingError& e) {
    EXPECT_EQ(e.kind(), LedgerBindingError::Kind::Missing);
    EXPECT_EQ(e.code(), ErrorCode::NotFound);
  }
  EXPECT_FALSE(fs::exists(spec));  // not made anew
  open_ledger(spec);               // someone makes a new one there
  try {
    open_bound_ledger(home, spec);
    FAIL() << "a replaced ledger was opened";
  } catch (const LedgerBindingError& e) {
    EXPECT_EQ(e.kind(), LedgerBindingError::Kind::Replaced);
  }
  bind_ledger(home, spec, *open_ledger(spec));  // what rebuild does
  EXPECT_NO_THROW(open_bound_ledger(home, spec));
}

TEST(LedgerBinding, CrlNumbersPublishedAreTheFloor) {
  TempDir dir;
  LedgerHome home = home_of_tree(dir.file("out"));
  EXPECT_EQ(crl_number_floor(home, "aa"), 1u);
  note_crl_published(home, "aa", 6);
  note_crl_published(home, "aa", 4);  // never lowers it
  EXPECT_EQ(crl_number_floor(home, "aa"), 7u);
  EXPECT_EQ(crl_number_floor(home, "bb"), 1u);
  struct stat st {};
  ASSERT_EQ(::stat(home.state_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace kpki::ledger
