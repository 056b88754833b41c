#include "cli/leaf_profile.h"

#include <vector>

#include "core/util/error.h"
#include "core/util/suggest.h"

namespace kpki::cli {

Profile parse_leaf_profile(const std::string& name) {
  const std::vector<std::string>& leaf_profiles = kLeafProfiles;
  if (name == "ca") return Profile::Ca;
  for (const auto& leaf : leaf_profiles) {
    if (name == leaf) return parse_profile(name);
  }
  std::string hint = did_you_mean(name, leaf_profiles);
  throw Error(ErrorCode::InvalidInput,
              "--profile: unknown profile '" + name + "'" +
                  (hint.empty() ? std::string(" (expected ") + kLeafProfilesHelp + ")" : hint));
}

}  // namespace kpki::cli
