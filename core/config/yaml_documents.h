#pragma once
// yaml-cpp 0.7 (Debian 12) has YAML::LoadAll loop forever, allocating on every turn, on some
// malformed streams: an 80-byte config of commas and a comment exhausted all memory (found by
// tests/fuzz/optional/fuzz_cluster_config.cpp; upstream jbeder/yaml-cpp#1040, fixed by #1319).
// Counting the documents first with the event parser, and refusing more than any kpki config has,
// bounds that loop.
#include <yaml-cpp/node/node.h>

#include <cstddef>
#include <string>
#include <vector>

namespace kpki::kube {

// Throws InvalidInput naming `origin` when `text` holds more than `max_documents` YAML documents
// (or the parser claims it does); YAML syntax errors propagate as YAML::Exception.
void require_few_yaml_documents(const std::string& text, const std::string& origin,
                                std::size_t max_documents = 16);

// YAML::LoadAll(text) in one pass, bounded the same way: every document (an empty one as a null
// node), with its tags and styles; nodes carry no marks (kpki's field errors name the field). A
// 1,000-node cluster config is read in about half the time of the count above followed by LoadAll,
// which scan the text twice.
std::vector<YAML::Node> load_few_yaml_documents(const std::string& text, const std::string& origin,
                                                std::size_t max_documents = 16);

}  // namespace kpki::kube
