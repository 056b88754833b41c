// Scheme descriptors (core/keys/key_scheme.h): core asks the registry what a key URI is (a file on
// disk, a token key, how its relative parts resolve, how a rotation names the next key) and
// names no backend. A scheme a program adds with KeyRegistry::add works wherever a built-in one
// does: in a cluster config's caKeys, in init, in the ledger's records.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/fs/file_io.h"
#include "core/keys/key_registry.h"
#include "core/kubernetes/init/init.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/rotate/files.h"
#include "core/ledger/issuance_journal.h"
#include "core/ledger/ledger.h"
#include "core/util/error.h"
#include "core/x509/certificate.h"
#include "tests/support/error_of.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

using kpki::testing::error_of;
using kpki::testing::make_signer;
using kpki::testing::TempDir;

// A Signer handing out one shared in-memory key.
class SharedSigner final : public Signer {
 public:
  explicit SharedSigner(std::shared_ptr<const Signer> key) : key_(std::move(key)) {}
  Algorithm algorithm() const override { return key_->algorithm(); }
  const Bytes& public_key_der() const override { return key_->public_key_der(); }
  const Bytes& signature_algorithm() const override { return key_->signature_algorithm(); }
  Bytes sign(ByteView message) const override { return key_->sign(message); }

 private:
  std::shared_ptr<const Signer> key_;
};

// "memory:NAME" keys that live as long as the manager, as examples/embed's outside backend.
class MemoryKeyManager final : public KeyManager {
 public:
  bool exists(const std::string& uri, const KeyOptions&) override { return keys_.count(uri); }
  std::unique_ptr<Signer> generate(const std::string& uri, Algorithm algorithm,
                                   const KeyOptions&) override {
    keys_[uri] = make_signer(algorithm);
    return open(uri, {});
  }
  std::unique_ptr<Signer> open(const std::string& uri, const KeyOptions&) override {
    auto it = keys_.find(uri);
    if (it == keys_.end()) throw Error(ErrorCode::NotFound, "no key " + uri);
    return std::make_unique<SharedSigner>(it->second);
  }
  std::map<std::string, std::shared_ptr<const Signer>> keys_;
};

// The built-in schemes plus "memory", registered without a descriptor.
class KeySchemes : public ::testing::Test {
 protected:
  KeySchemes() {
    add_builtin_backends(registry_);
    auto memory = std::make_unique<MemoryKeyManager>();
    memory_ = memory.get();
    registry_.add("memory", std::move(memory));
  }
  KeyRegistry registry_;
  MemoryKeyManager* memory_ = nullptr;
};

TEST_F(KeySchemes, SchemeAddedWithoutDescriptorGetsTheDefaults) {
  const KeyScheme& memory = registry_.scheme_for("memory:ca");
  EXPECT_EQ(registry_.scheme_of("memory:ca"), "memory");
  EXPECT_FALSE(memory.key_file("memory:ca"));
  EXPECT_FALSE(memory.is_token());
  EXPECT_FALSE(memory.takes_bare_paths());
  EXPECT_EQ(kube::resolve_key_uri("memory:ca", "/cfg", registry_), "memory:ca");
  // It cannot name a rotated key: refused, never guessed as a file path.
  EXPECT_EQ(error_of([&] {
              kube::rotated_key_uri("memory:ca", 1, "/o/rotation/ca/1", registry_);
            }).code(),
            ErrorCode::Unsupported);
  // Bare paths stay the file backend's; an unregistered scheme is refused.
  EXPECT_EQ(registry_.scheme_of("pki/ca.key"), "file");
  EXPECT_EQ(error_of([&] { registry_.scheme_of("elsewhere:ca"); }).code(), ErrorCode::InvalidInput);
}

TEST_F(KeySchemes, BuiltInDescriptorsAnswerForTheirUris) {
  EXPECT_EQ(registry_.scheme_for("pki/ca.key").key_file("pki/ca.key"), "pki/ca.key");
  EXPECT_EQ(registry_.scheme_for("botan:/k.pem").key_file("botan:/k.pem"), "/k.pem");
  EXPECT_FALSE(registry_.scheme_for("pkcs11:token=t;object=ca").key_file("pkcs11:token=t"));
  EXPECT_TRUE(registry_.scheme_for("libp11:token=t;object=ca").is_token());
  EXPECT_EQ(kube::resolve_key_uri("botan:k.pem", "/cfg", registry_), "botan:/cfg/k.pem");
  EXPECT_EQ(kube::resolve_key_uri("file:k.pem", "/cfg", registry_), "/cfg/k.pem");
  // libp11: URIs are not paths: the PIN file resolves, the URI stays a libp11: URI.
  EXPECT_EQ(kube::resolve_key_uri("libp11:token=kube-ca;object=ca?pin-source=file:pin", "/cfg",
                                  registry_),
            "libp11:token=kube-ca;object=ca?pin-source=file:/cfg/pin");
  EXPECT_EQ(kube::rotated_key_uri("libp11:token=k;object=ca;id=%01", 2, "", registry_),
            "libp11:token=k;object=ca-r2");
}

TEST_F(KeySchemes, OutsideSchemeCaKeysInitAndRecordsItsBackend) {
  TempDir dir;
  kube::ClusterConfig config = kube::parse_cluster_config(
      "apiVersion: kpki/v1alpha1\nkind: ClusterPKI\nencryptionAlgorithm: ECDSA-P256\n"
      "caKeys:\n  ca: memory:kubernetes-ca\n"
      "nodes:\n  - {name: cp1, address: 127.0.0.1}\n",
      "cluster.yaml", dir.path(), registry_);
  EXPECT_EQ(config.ca_keys.at("ca"), "memory:kubernetes-ca");
  kube::InitOptions options;
  options.out_dir = dir.file("out");
  const LeafKeySource& keys = leaf_key_source(LeafKeyLibrary::OpenSsl);
  ledger::IssuanceJournal journal(ledger::open_ledger(dir.file("ledger.db")),
                                  ledger::JournalContext::of_this_process("kpki test"));
  options.recorder = &journal;  // what the cluster's authorities sign is recorded there
  std::ostringstream log;
  kube::run_init(config, options, registry_, keys, log);
  journal.finish();
  ASSERT_EQ(memory_->keys_.count("memory:kubernetes-ca"), 1u);
  Certificate ca = Certificate::load(options.out_dir + "/pki/ca.crt");
  EXPECT_EQ(ca.public_key_der(), memory_->keys_.at("memory:kubernetes-ca")->public_key_der());
  // No key file for it anywhere: it is no file, so none is copied into the nodes.
  EXPECT_FALSE(file_exists(options.out_dir + "/pki/ca.key"));
  EXPECT_FALSE(file_exists(options.out_dir + "/nodes/cp1/pki/ca.key"));
  EXPECT_TRUE(file_exists(options.out_dir + "/nodes/cp1/pki/etcd/ca.key"));
  size_t by_memory = 0;
  for (const auto& r : ledger::open_ledger(dir.file("ledger.db"))->list({})) {
    if (r.ca_key_uri != "memory:kubernetes-ca") continue;
    EXPECT_EQ(r.backend, "memory");
    ++by_memory;
  }
  EXPECT_GT(by_memory, 1u);
}

}  // namespace
}  // namespace kpki
