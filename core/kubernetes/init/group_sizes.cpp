#include "core/kubernetes/init/group_sizes.h"

#include <algorithm>

namespace kpki::kube {

namespace {
constexpr size_t kFirstGroup = 64;
constexpr size_t kLastGroups = 32;
}  // namespace

size_t group_size(size_t groups_issued, size_t leaves_left) {
  if (leaves_left < 2 * kLastGroups) return leaves_left;  // no group of a few leaves at the end
  size_t ramp = groups_issued >= 2 ? kLeavesPerGroup : kFirstGroup << groups_issued;
  return std::min({kLeavesPerGroup, ramp, std::max(kLastGroups, leaves_left / 2)});
}

}  // namespace kpki::kube
