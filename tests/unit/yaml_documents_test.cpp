// The cluster config's one-pass YAML reader gives what YAML::LoadAll gives (compared as YAML::Dump
// writes them: values, tags, styles, anchors), and stays bounded where LoadAll is not.
#include "core/config/yaml_documents.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/util/error.h"
#include "tests/support/error_of.h"

namespace kpki::kube {
namespace {

std::vector<std::string> dumped(const std::vector<YAML::Node>& documents) {
  std::vector<std::string> out;
  for (const YAML::Node& d : documents) out.push_back(YAML::Dump(d));
  return out;
}

TEST(LoadFewYamlDocuments, GivesWhatLoadAllGives) {
  const char* texts[] = {
      "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nnodes:\n  - {name: cp1, role: control-plane}\n"
      "  - name: w1\n    sans: [a, 'b', \"c\"]\n",
      "a: &x {k: 1}\nb: *x\nc: !!str 12\nd: ~\ne:\nf: 'quoted'\ng: |\n  block\n  text\n",
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n---\n"
      "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n",
      "one: 1\n---\n---\nthree: 3\n",  // an empty document in between
      "? [complex, key]\n: value\nlist:\n- - nested\n  - seq\n- {}\n- []\n",
      "",
      "just a scalar\n",
  };
  for (const char* text : texts) {
    EXPECT_EQ(dumped(load_few_yaml_documents(text, "c.yaml")), dumped(YAML::LoadAll(text))) << text;
  }
}

TEST(LoadFewYamlDocuments, ManyDocumentsAreRefusedNamingTheFile) {
  std::string text;
  for (int i = 0; i < 17; ++i) text += (i ? "---\na: " : "a: ") + std::to_string(i) + "\n";
  Error e = testing::error_of([&] { load_few_yaml_documents(text, "c.yaml"); });
  EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
  EXPECT_NE(e.message().find("c.yaml: more than 16 YAML documents"), std::string::npos)
      << e.message();
  EXPECT_EQ(load_few_yaml_documents(text, "c.yaml", 17).size(), 17u);
}

TEST(LoadFewYamlDocuments, SyntaxErrorsAreYamlCppsWithTheirMark) {
  try {
    load_few_yaml_documents("a: [1, 2\nb: c\n", "c.yaml");
    ADD_FAILURE() << "accepted";
  } catch (const YAML::Exception& e) {
    EXPECT_GT(e.mark.line, 0);
  }
}

}  // namespace
}  // namespace kpki::kube
