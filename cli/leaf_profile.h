#pragma once
// --profile of `issue` and `sign`: server, client or peer. CAs are made by `ca create`, so `ca` is
// never offered, even by the error for an unknown name.
#include <string>
#include <vector>

#include "core/issue/profiles.h"

namespace kpki::cli {

inline constexpr const char* kLeafProfilesHelp = "server, client or peer";
inline const std::vector<std::string> kLeafProfiles = {"server", "client", "peer"};

// The profile named; Profile::Ca for "ca", which each verb refuses with its own reason. An unknown
// name is an InvalidInput error naming the nearest leaf profile, or listing them.
Profile parse_leaf_profile(const std::string& name);

}  // namespace kpki::cli
