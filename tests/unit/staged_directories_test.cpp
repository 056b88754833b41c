// New directories are written under a hidden name and renamed into place whole: their files appear
// together, nothing is replaced, and whatever was staged and not installed is gone with the
// stager. A batch whose next group writes into a directory the group before it staged waits for
// that install instead of racing it.
#include "core/issue/staged_directories.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/fs/file_io.h"
#include "core/issue/file_group.h"
#include "core/util/error.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using testing::TempDir;

size_t entries_in(const std::string& dir) {
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) n += !entry.path().empty();
  return n;
}

void write(const std::string& path, const std::string& content) { std::ofstream(path) << content; }

TEST(StagedDirectories, FilesAppearWithTheirDirectoryAndNothingElseIsLeft) {
  TempDir dir;
  const std::string root = dir.file("nodes/w1");
  std::filesystem::create_directories(dir.file("nodes"));
  CreatedFiles created;
  {
    StagedDirectories staged;
    write(staged.stage(root, root + "/kubelet.conf"), "conf");
    write(staged.stage(root, root + "/pki/ca.crt"), "ca");
    write(staged.stage(root, root + "/kubelet/kubelet.crt"), "crt");
    EXPECT_FALSE(std::filesystem::exists(root));   // nothing under the final name yet
    EXPECT_EQ(entries_in(dir.file("nodes")), 1u);  // the hidden stand-in
    staged.install(root, &created);
    staged.install(root, &created);  // once is enough
  }
  EXPECT_EQ(read_text_file(root + "/pki/ca.crt"), "ca");
  EXPECT_EQ(read_text_file(root + "/kubelet/kubelet.crt"), "crt");
  EXPECT_EQ(entries_in(dir.file("nodes")), 1u);  // w1 alone
  struct stat st {};
  ASSERT_EQ(::stat((root + "/pki").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(StagedDirectories, ACreatedListRemovesAnInstalledDirectoryWhole) {
  TempDir dir;
  const std::string root = dir.file("w2");
  {
    CreatedFiles created;
    StagedDirectories staged;
    write(staged.stage(root, root + "/pki/etcd/ca.crt"), "x");
    staged.install(root, &created);
    EXPECT_TRUE(std::filesystem::exists(root + "/pki/etcd/ca.crt"));
  }  // not committed
  EXPECT_FALSE(std::filesystem::exists(root));
  EXPECT_EQ(entries_in(dir.path()), 0u);
}

// Someone else's directory, even an empty one, is neither replaced nor taken for the run's own:
// a failed run's rollback leaves it.
TEST(StagedDirectories, ADirectoryThatAppearedMeanwhileIsNotReplacedNorRemoved) {
  TempDir dir;
  const std::string root = dir.file("w3");
  {
    CreatedFiles created;  // not committed: the run fails
    StagedDirectories staged;
    write(staged.stage(root, root + "/a.crt"), "mine");
    std::filesystem::create_directories(root);
    Error e = testing::error_of([&] { staged.install(root, &created); });
    EXPECT_EQ(e.code(), ErrorCode::AlreadyExists);
    EXPECT_NE(e.message().find(root), std::string::npos) << e.message();
  }
  EXPECT_TRUE(std::filesystem::is_directory(root));
  EXPECT_FALSE(std::filesystem::exists(root + "/a.crt"));
  EXPECT_EQ(entries_in(dir.path()), 1u);  // the stand-in is gone
}

TEST(StagedDirectories, MissingRootIsTheTopmostMissingDirectory) {
  TempDir dir;
  std::unordered_map<std::string, std::string> known;
  EXPECT_EQ(missing_root(dir.path(), known), "");
  EXPECT_EQ(missing_root(dir.file("a/b/c"), known), dir.file("a"));
  EXPECT_EQ(missing_root(dir.file("a/b"), known), dir.file("a"));  // remembered on the way
  std::filesystem::create_directories(dir.file("x"));
  known.clear();
  EXPECT_EQ(missing_root(dir.file("x/y"), known), dir.file("x/y"));
}

// Two groups of one batch write into the same new directory: the first stages it, the second
// finds it staged by the group still installing, waits, and writes beside its files.
TEST(StagedDirectories, ABatchsNextGroupWritesIntoADirectoryTheGroupBeforeStaged) {
  TempDir dir;
  CreatedFiles created;
  FileBatch batch;
  for (int group = 0; group < 2; ++group) {
    for (int i = 0; i < 20; ++i)  // large groups: these stage
      batch.add(dir.file("nodes/n" + std::to_string(i % 4) + "/g" + std::to_string(group) + "/" +
                         std::to_string(i)),
                "g" + std::to_string(group), 0600, Overwrite::No);
    batch.write_behind(&created);
  }
  batch.wait();
  created.commit();
  EXPECT_EQ(read_text_file(dir.file("nodes/n1/g0/5")), "g0");
  EXPECT_EQ(read_text_file(dir.file("nodes/n1/g1/5")), "g1");
  size_t files = 0, hidden = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path())) {
    files += e.is_regular_file();
    hidden += e.path().filename().string().front() == '.';
  }
  EXPECT_EQ(files, 40u);
  EXPECT_EQ(hidden, 0u);
}

}  // namespace
}  // namespace kpki
