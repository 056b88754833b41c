#pragma once
// yaml-cpp 0.7 (Debian 12) has YAML::LoadAll loop forever, allocating on every turn, on some
// malformed streams: an 80-byte config of commas and a comment exhausted all memory (found by
// tests/fuzz/optional/fuzz_cluster_config.cpp; upstream jbeder/yaml-cpp#1040, fixed by #1319).
// Reading the documents from the event parser ourselves, and refusing more than any kpki file has,
// bounds that loop.
#include <yaml-cpp/node/node.h>

#include <cstddef>
#include <string>
#include <vector>

namespace kpki::kube {

// What YAML::LoadAll(text) gives -- every document (an empty one as a null node), with its tags
// and styles -- but InvalidInput naming `origin` past `max_documents`; YAML syntax errors propagate
// as YAML::Exception. Nodes carry no marks (kpki's field errors name the field). One pass: counting
// the documents first and then calling LoadAll scanned the text twice (a 1,000-node cluster
// config's plan: 54 -> 49 ms).
std::vector<YAML::Node> load_few_yaml_documents(const std::string& text, const std::string& origin,
                                                std::size_t max_documents = 16);

}  // namespace kpki::kube
