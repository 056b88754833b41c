#pragma once
// How init cuts a tree's leaves into groups. A group's keys and certificates are made on every
// core, then its files are written together (core/issue/file_group.h) while the next group is
// made; memory stays bounded by a few groups (plus the plan) whatever the size of the cluster.
#include <cstddef>

namespace kpki::kube {

constexpr size_t kLeavesPerGroup = 256;
constexpr size_t kCopiesPerGroup = 512;  // files copied into the nodes (CA certificates, keys)

// The leaves in the next group, after `groups_issued` groups, with `leaves_left` still to issue
// in the run. Groups start and end small: the first group's install starts sooner (the disk idles
// until then) and the last ones' installs, which nothing overlaps, end sooner: 64, 128, then 256
// a group, and from 512 leaves before the end half of what is left (at least 32), the last
// few taken together.
size_t group_size(size_t groups_issued, size_t leaves_left);

}  // namespace kpki::kube
