// A batch's large groups sync their file systems once each, before their renames, and the batch
// once more at its end: every rename is covered by a syncfs that began after it, and every file
// system with renames left is synced by finish(), each once.
#include "core/issue/batch_syncs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace kpki {
namespace {

class CountedSyncs : public ::testing::Test {
 protected:
  std::vector<std::string> synced;  // the directories given to each syncfs, in order
  BatchSyncs syncs{[this](const std::string& directory) { synced.push_back(directory); }};
};

TEST_F(CountedSyncs, OneSyncBeforeEachGroupsRenamesAndOneAtTheEnd) {
  syncs.before_renames({{"out/n1", 1}, {"out/n2", 1}});  // one file system: one syncfs
  EXPECT_EQ(synced, std::vector<std::string>({"out/n1"}));
  syncs.renamed({{"out/n1", 1}, {"out/n2", 1}});
  syncs.before_renames({{"out/n3", 1}});  // covers the first group's renames too
  syncs.renamed({{"out/n3", 1}});
  EXPECT_EQ(synced.size(), 2u);
  syncs.finish();  // the second group's renames
  EXPECT_EQ(synced, std::vector<std::string>({"out/n1", "out/n3", "out/n3"}));
  syncs.finish();  // nothing left
  EXPECT_EQ(synced.size(), 3u);
}

TEST_F(CountedSyncs, FinishSyncsEachFileSystemWithRenamesLeft) {
  syncs.before_renames({{"a/x", 1}, {"b/y", 2}});
  EXPECT_EQ(synced.size(), 2u);
  syncs.renamed({{"a/x", 1}, {"b/y", 2}});
  syncs.before_renames({{"a/z", 1}});  // file system 2 keeps its renames unsynced
  syncs.renamed({{"a/z", 1}});
  synced.clear();
  syncs.finish();
  std::sort(synced.begin(), synced.end());
  EXPECT_EQ(synced, std::vector<std::string>({"a/z", "b/y"}));
}

TEST_F(CountedSyncs, NothingRenamedNeedsNoSyncAtTheEnd) {
  syncs.finish();
  syncs.before_renames({{"a", 1}});  // a group that failed before renaming anything
  synced.clear();
  syncs.finish();
  EXPECT_TRUE(synced.empty());
}

}  // namespace
}  // namespace kpki
