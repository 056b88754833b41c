// "Did you mean": the nearest valid names for a mistyped verb, flag or config field
// (core/util/suggest.h), and the config errors that use them (core/config/yaml_fields.h).
#include "core/util/suggest.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <functional>

#include "core/config/yaml_fields.h"
#include "core/util/error.h"

namespace kpki {
namespace {

using Names = std::vector<std::string>;

const Names kVerbs = {"ca",    "key",        "issue",  "sign",   "csr", "inspect", "verify", "init",
                      "certs", "kubeconfig", "ledger", "revoke", "crl", "hsm",     "bench"};

TEST(Suggest, TyposFindTheWordMeant) {
  EXPECT_EQ(nearest_names("iniit", kVerbs), Names{"init"});  // an extra letter
  EXPECT_EQ(nearest_names("renw", Names{"check-expiration", "renew"}), Names{"renew"});  // one lost
  EXPECT_EQ(nearest_names("craete", Names{"create", "import", "rotate"}), Names{"create"});  // swap
  EXPECT_EQ(nearest_names("--verison", Names{"--help", "--version"}), Names{"--version"});
  EXPECT_EQ(nearest_names("--confg", Names{"--config", "--out", "--dry-run"}), Names{"--config"});
  EXPECT_EQ(nearest_names("encryptionAlgorythm", Names{"clusterName", "encryptionAlgorithm"}),
            Names{"encryptionAlgorithm"});
}

TEST(Suggest, CaseAloneIsATypo) {
  EXPECT_EQ(nearest_names("certSANS", Names{"certSANs", "extraArgs"}), Names{"certSANs"});
}

TEST(Suggest, FarWordsGetNoSuggestion) {
  EXPECT_TRUE(nearest_names("frobnicate", kVerbs).empty());
  EXPECT_TRUE(nearest_names("x", Names{"init", "sign"}).empty());
  EXPECT_TRUE(nearest_names("", kVerbs).empty());
  EXPECT_TRUE(nearest_names("iniit", Names{}).empty());
  // Short words allow one edit only: "kex" is "key", but "abc" is not "ca".
  EXPECT_EQ(nearest_names("kex", kVerbs), Names{"key"});
  EXPECT_TRUE(nearest_names("abc", kVerbs).empty());
}

TEST(Suggest, OnlyTheNearestAndTiesInOrderGiven) {
  // "sig" is one edit from "sign" and two from "csr": only "sign".
  EXPECT_EQ(nearest_names("sig", kVerbs), Names{"sign"});
  // Equally near: all of them, in the order given, never more than three.
  EXPECT_EQ(nearest_names("cat", Names{"ca", "cert", "cab", "cut", "cot"}),
            (Names{"ca", "cab", "cut"}));
  EXPECT_EQ(nearest_names("init", Names{"init", "inits"}), Names{"inits"});  // never itself
  EXPECT_EQ(nearest_names("ca", Names{"ca", "ca"}), Names{});
  EXPECT_EQ(nearest_names("cx", Names{"ca", "ca"}), Names{"ca"});  // no repeats
}

TEST(Suggest, DidYouMeanText) {
  EXPECT_EQ(did_you_mean("iniit", kVerbs), " (did you mean 'init'?)");
  EXPECT_EQ(did_you_mean("cat", Names{"ca", "cab"}), " (did you mean 'ca' or 'cab'?)");
  EXPECT_EQ(did_you_mean("cat", Names{"ca", "cab", "cut"}),
            " (did you mean 'ca', 'cab' or 'cut'?)");
  EXPECT_EQ(did_you_mean("frobnicate", kVerbs), "");
}

std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
    return e.message();
  }
  return "no error";
}

TEST(Suggest, UnknownConfigFieldNamesTheNearestField) {
  kube::YamlFields top(YAML::Load("clusterName: a\nencryptionAlgorythm: RSA-2048\n"), "c.yaml", "");
  EXPECT_EQ(error_of([&] {
              top.reject_unknown({"clusterName", "encryptionAlgorithm"});
            }),
            "c.yaml: encryptionAlgorythm: unknown field (did you mean 'encryptionAlgorithm'?)");
  kube::YamlFields far(YAML::Load("frobnicate: 1\n"), "c.yaml", "apiServer");
  EXPECT_EQ(error_of([&] { far.reject_unknown({"certSANs"}); }),
            "c.yaml: apiServer.frobnicate: unknown field");
}

TEST(Suggest, MisspelledFieldOfAPartlyReadFormat) {
  // kubeadm input: a near miss is an error, a field kpki does not know at all is let through.
  kube::YamlFields api(YAML::Load("certSANS: [a]\nextraArgs: []\n"), "k.yaml", "apiServer");
  EXPECT_EQ(error_of([&] {
              api.reject_misspelled({"certSANs", "extraArgs"});
            }),
            "k.yaml: apiServer.certSANS: unknown field (did you mean 'certSANs'?)");
  kube::YamlFields other(YAML::Load("someFutureField: 1\ncertSANs: [a]\n"), "k.yaml", "apiServer");
  EXPECT_EQ(error_of([&] { other.reject_misspelled({"certSANs", "extraArgs"}); }), "no error");
}

}  // namespace
}  // namespace kpki
