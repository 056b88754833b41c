// The fast write path of a tree (issue 24) keeps what the slow one guaranteed: P-256 leaf keys
// encoded by hand are OpenSSL's own bytes, directories are made deepest first and rolled back,
// a group installed behind the caller's back lands in order or fails at the next wait with
// nothing of it left, and a plan skips looking for files under a directory it found missing.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "backends/openssl_file/p256_leaf_key.h"
#include "core/fs/file_io.h"
#include "core/issue/file_group.h"
#include "core/kubernetes/tree/tree_links.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using testing::error_of;
using testing::TempDir;

std::string openssl_pkcs8_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
            1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

size_t files_in(const std::string& dir) {
  size_t n = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
    n += entry.is_regular_file();
  return n;
}

// `count` files PREFIX0, PREFIX1, ... under `dir`, each holding `content`, added to `batch`.
void add_files(FileBatch& batch, const TempDir& dir, const std::string& prefix, int count,
               const std::string& content) {
  for (int i = 0; i < count; ++i)
    batch.add(dir.file(prefix + std::to_string(i)), content, 0644, Overwrite::No);
}

TEST(P256LeafKey, PemIsOpenSslsOwnEncodingByteForByte) {
  for (int i = 0; i < 50; ++i) {  // scalars with leading zero bytes come up among these
    EvpPkeyPtr key = generate_p256_key();
    std::optional<std::string> pem = p256_private_key_pem(key.get());
    ASSERT_TRUE(pem);
    EXPECT_EQ(*pem, openssl_pkcs8_pem(key.get()));
    // The point taken from the key's SubjectPublicKeyInfo instead: the same bytes.
    unsigned char* spki = nullptr;
    int length = i2d_PUBKEY(key.get(), &spki);
    ASSERT_GT(length, 0);
    OsslBytesPtr owner(spki);
    std::optional<std::string> from_spki =
        p256_private_key_pem(key.get(), ByteView(spki, static_cast<size_t>(length)));
    ASSERT_TRUE(from_spki);
    EXPECT_EQ(*from_spki, *pem);
    // And it is the SPKI's point that is used (another key's gives another encoding).
    EvpPkeyPtr other = generate_p256_key();
    unsigned char* other_spki = nullptr;
    int other_length = i2d_PUBKEY(other.get(), &other_spki);
    OsslBytesPtr other_owner(other_spki);
    EXPECT_NE(
        p256_private_key_pem(key.get(), ByteView(other_spki, static_cast<size_t>(other_length))),
        pem);
  }
}

TEST(P256LeafKey, OtherKeysAreLeftToOpenSsl) {
  EXPECT_FALSE(
      p256_private_key_pem(EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")).get()));
  EXPECT_FALSE(
      p256_private_key_pem(EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")).get()));
}

TEST(MakeDirectories, MakesDeepestFirstAndRecordsWhatItMade) {
  TempDir dir;
  make_directories(dir.file("kept"), 0700);
  {
    CreatedFiles created;
    make_directories(dir.file("kept/a/b/c"), 0700, &created);
    make_directories(dir.file("kept/a/d"), 0700, &created);
    make_directories(dir.file("kept/a/d/"), 0700, &created);  // there already
    EXPECT_TRUE(std::filesystem::is_directory(dir.file("kept/a/b/c")));
    EXPECT_TRUE(std::filesystem::is_directory(dir.file("kept/a/d")));
  }  // not committed: what it made goes, what was there stays
  EXPECT_TRUE(std::filesystem::is_directory(dir.file("kept")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("kept/a")));
  std::ofstream(dir.file("file")) << "x";
  EXPECT_EQ(error_of([&] { make_directories(dir.file("file/sub"), 0700); }).code(),
            ErrorCode::InvalidInput);
  EXPECT_EQ(error_of([&] { make_directories(dir.file("file"), 0700); }).code(),
            ErrorCode::InvalidInput);
}

TEST(NoClobberInstall, RefusesAnExistingTargetAndLeavesNoTemporary) {
  TempDir dir;
  write_file_atomic(dir.file("f"), std::string("first"), 0600, Overwrite::No);
  std::string temp = write_temp_file(dir.file("f"), as_bytes(std::string("second")), 0600);
  EXPECT_EQ(error_of([&] { install_temp_file(temp, dir.file("f"), Overwrite::No); }).code(),
            ErrorCode::AlreadyExists);
  EXPECT_EQ(read_text_file(dir.file("f")), "first");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

// Stores nothing and fails when asked to: a ledger that cannot be written.
class RefusingRecorder : public IssuanceRecorder {
 public:
  RecordTicket on_signed(const SignedCertificate&) override { return {this, ++issued_}; }
  void before_install(std::span<const CarriedCertificate>) override {
    throw Error(ErrorCode::DeviceError, "ledger full");
  }
  RecordTicket ticket() { return {this, ++issued_}; }

 private:
  std::uint64_t issued_ = 0;
};

TEST(FileBatchWriteBehind, InstallsGroupsInOrderEachWhole) {
  TempDir dir;
  CreatedFiles created;
  FileBatch batch;
  for (int group = 0; group < 3; ++group) {
    for (int i = 0; i < 40; ++i)  // above the size synced with syncfs
      batch.add(dir.file("n" + std::to_string(i % 5) + "/g" + std::to_string(group) + "-" +
                         std::to_string(i)),
                "group " + std::to_string(group), i % 2 ? 0644 : 0600, Overwrite::No);
    batch.write_behind(&created);
  }
  batch.wait();
  created.commit();
  for (int group = 0; group < 3; ++group) {
    std::string path = dir.file("n3/g" + std::to_string(group) + "-3");
    EXPECT_EQ(read_text_file(path), "group " + std::to_string(group));
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
  }
  EXPECT_EQ(files_in(dir.path()), 3u * 40);  // no temporaries
}

TEST(FileBatchWriteBehind, AFailedInstallSurfacesAtTheNextWaitAndLeavesNothing) {
  TempDir dir;
  RefusingRecorder recorder;
  {
    CreatedFiles created;
    FileBatch batch;
    for (int i = 0; i < 20; ++i)
      batch.add(dir.file("n/f" + std::to_string(i)), "x", 0644, Overwrite::No,
                i == 7 ? recorder.ticket() : RecordTicket{});
    batch.write_behind(&created);  // returns before the recorder refuses
    Error e = error_of([&] { batch.wait(); });
    EXPECT_EQ(e.code(), ErrorCode::DeviceError);
    batch.wait();  // asked once: nothing more to report
  }                // the command failed: no file of the group, no temporary
  EXPECT_EQ(files_in(dir.path()), 0u);
}

// Two groups in flight: the second is handed over while the first still installs, and when the
// first fails the second is not installed at all (its temporaries go too); the failure is
// reported once.
TEST(FileBatchWriteBehind, AGroupBehindAFailedOneIsNotInstalled) {
  TempDir dir;
  make_directories(dir.file("a"), 0700);
  { std::ofstream(dir.file("a/f3")) << "before"; }
  {
    CreatedFiles created;
    FileBatch batch;
    add_files(batch, dir, "a/f", 20, "x");
    batch.write_behind(&created);
    add_files(batch, dir, "b/f", 20, "y");
    batch.write_behind(&created);  // returns at once: the first group's failure comes later
    EXPECT_EQ(error_of([&] { batch.wait(); }).code(), ErrorCode::AlreadyExists);
    batch.wait();  // reported once
  }
  EXPECT_EQ(files_in(dir.path()), 1u);
  EXPECT_EQ(read_text_file(dir.file("a/f3")), "before");
  EXPECT_FALSE(std::filesystem::exists(dir.file("b")));
}

// The groups of a batch and a tree's CAs record what they create from threads of their own.
TEST(CreatedFilesFromThreads, EveryFileAddedGoesWithAFailedRun) {
  TempDir dir;
  {
    CreatedFiles created;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 200; ++i) {
          std::string path = dir.file("t" + std::to_string(t) + "-" + std::to_string(i));
          std::ofstream(path) << "x";
          created.add(path);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(files_in(dir.path()), 800u);
  }  // never committed
  EXPECT_EQ(files_in(dir.path()), 0u);
}

TEST(FileBatchWriteBehind, AGroupLeftInstallingIsFinishedBeforeTheBatchGoes) {
  TempDir dir;
  {
    FileBatch batch;
    for (int i = 0; i < 20; ++i)
      batch.add(dir.file("f" + std::to_string(i)), "x", 0600, Overwrite::No);
    batch.write_behind();
  }
  EXPECT_EQ(files_in(dir.path()), 20u);
  EXPECT_EQ(read_text_file(dir.file("f19")), "x");
}

// The whole write of a group -- existence checks, directories, temporaries -- runs off the
// caller's thread (it was the longest stage of a large tree): what it refuses and what it made
// are reported and rolled back as the caller's own.
TEST(FileBatchWriteBehind, AnExistingTargetSurfacesAtTheNextWaitAndChangesNothing) {
  TempDir dir;
  make_directories(dir.file("n"), 0700);
  { std::ofstream(dir.file("n/f3")) << "before"; }
  {
    CreatedFiles created;
    FileBatch batch;
    add_files(batch, dir, "n/f", 20, "x");
    batch.write_behind(&created);  // returns at once: the check runs with the write
    Error e = error_of([&] { batch.wait(); });
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
  }
  EXPECT_EQ(files_in(dir.path()), 1u);  // no file of the group, no temporary
  EXPECT_EQ(read_text_file(dir.file("n/f3")), "before");
}

TEST(FileBatchWriteBehind, DirectoriesTheBatchMadeGoWithAFailedRun) {
  TempDir dir;
  {
    CreatedFiles created;  // never committed: the run failed
    FileBatch batch;
    for (int i = 0; i < 20; ++i)
      batch.add(dir.file("nodes/w" + std::to_string(i % 4) + "/pki/f" + std::to_string(i)), "x",
                0600, Overwrite::No);
    batch.write_behind(&created);
    batch.wait();
    EXPECT_EQ(files_in(dir.path()), 20u);
  }
  EXPECT_FALSE(std::filesystem::exists(dir.file("nodes")));
}

TEST(TreeLinks, NothingIsLookedForBelowAMissingDirectory) {
  TempDir dir;
  make_directories(dir.file("out/nodes/a"), 0700);
  kube::TreeLinks links(dir.file("out"));
  links.refuse(dir.file("out/nodes/a/kubelet.conf"));
  EXPECT_FALSE(links.absent(dir.file("out/nodes/a/kubelet.conf")));
  links.refuse(dir.file("out/nodes/b/pki/ca.crt"));
  EXPECT_TRUE(links.absent(dir.file("out/nodes/b/pki/ca.crt")));
  EXPECT_TRUE(links.absent(dir.file("out/nodes/b/kubelet.conf")));
  EXPECT_FALSE(links.absent(dir.file("out/nodes/a/pki/ca.crt")));
  // A link is still refused where the directories are there.
  std::filesystem::create_directory_symlink(dir.file("out/nodes/a"), dir.file("out/nodes/c"));
  EXPECT_EQ(error_of([&] { links.refuse(dir.file("out/nodes/c/kubelet.conf")); }).code(),
            ErrorCode::InvalidInput);
}

}  // namespace
}  // namespace kpki
