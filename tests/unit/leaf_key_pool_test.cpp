// Leaf keys made on several threads ahead of signing (kpki init, certs renew): each key valid and
// of the algorithm planned at its index, no two alike, a failure rethrown, progress reported; and
// init's keys made on a thread of their own before its groups need them.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "core/keys/key_registry.h"
#include "core/kubernetes/model/cluster_config.h"
#include "core/kubernetes/tree/leaf_key_pool.h"
#include "core/util/error.h"

namespace kpki::kube {
namespace {

// The real OpenSSL source, refusing one algorithm: a key source that fails part-way.
class RefusingSource final : public LeafKeySource {
 public:
  explicit RefusingSource(std::set<Algorithm> refused) : refused_(std::move(refused)) {}
  LeafKey generate(Algorithm algorithm) const override {
    if (refused_.count(algorithm))
      throw Error(ErrorCode::CryptoError, "refused " + std::string(algorithm_name(algorithm)));
    return real_.generate(algorithm);
  }
  LeafKey from_pem(const std::string& pem, const std::string& origin) const override {
    return real_.from_pem(pem, origin);
  }

 private:
  std::set<Algorithm> refused_;
  const LeafKeySource& real_ = leaf_key_source(LeafKeyLibrary::OpenSsl);
};

std::vector<Algorithm> mixed(size_t count) {
  const Algorithm cycle[] = {Algorithm::EcdsaP256, Algorithm::Ed25519, Algorithm::EcdsaP384};
  std::vector<Algorithm> out;
  for (size_t i = 0; i < count; ++i) out.push_back(cycle[i % 3]);
  return out;
}

TEST(LeafKeyPool, KeysAreValidDistinctAndInPlannedOrder) {
  for (size_t threads : {1u, 2u, 4u}) {
    std::vector<Algorithm> planned = mixed(24);
    const LeafKeySource& source = leaf_key_source(LeafKeyLibrary::OpenSsl);
    std::vector<LeafKey> keys = generate_leaf_keys(source, planned, {threads, {}});
    ASSERT_EQ(keys.size(), planned.size());
    std::set<Bytes> seen;
    for (size_t i = 0; i < keys.size(); ++i) {
      ASSERT_TRUE(keys[i].signer) << i;
      EXPECT_EQ(algorithm_of_public_key(keys[i].signer->public_key_der()), planned[i]) << i;
      EXPECT_EQ(keys[i].signer->algorithm(), planned[i]) << i;
      // The PEM is the signer's key: reopened, it has the same public key.
      LeafKey reopened = source.from_pem(keys[i].pem.reveal(), "key " + std::to_string(i));
      EXPECT_EQ(reopened.signer->public_key_der(), keys[i].signer->public_key_der()) << i;
      EXPECT_TRUE(seen.insert(keys[i].signer->public_key_der()).second) << "key " << i << " twice";
    }
  }
}

TEST(LeafKeyPool, RsaKeysOnEveryThread) {
  const LeafKeySource& source = leaf_key_source(LeafKeyLibrary::OpenSsl);
  std::vector<Algorithm> planned = {Algorithm::Rsa2048, Algorithm::EcdsaP256, Algorithm::Rsa2048};
  std::vector<LeafKey> keys = generate_leaf_keys(source, planned, {2, {}});
  for (size_t i = 0; i < planned.size(); ++i)
    EXPECT_EQ(algorithm_of_public_key(keys[i].signer->public_key_der()), planned[i]) << i;
}

TEST(LeafKeyPool, FailureOfTheLowestIndexIsRethrown) {
  // P-384 first fails at index 2, Ed25519 at index 1 of the tail: P-384's error wins however
  // the threads are scheduled.
  std::vector<Algorithm> planned(12, Algorithm::EcdsaP256);
  planned[5] = Algorithm::EcdsaP384;
  planned[9] = Algorithm::Ed25519;
  RefusingSource source({Algorithm::EcdsaP384, Algorithm::Ed25519});
  for (size_t threads : {1u, 2u, 3u}) {
    try {
      generate_leaf_keys(source, planned, {threads, {}});
      ADD_FAILURE() << "no error with " << threads << " threads";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::CryptoError);
      EXPECT_EQ(e.message(), "refused ecdsa-p384") << threads << " threads";
    }
  }
}

TEST(LeafKeyPool, ProgressCountsEveryKeyUpToTheTotal) {
  std::vector<size_t> reported;
  size_t totals_seen = 0;
  LeafKeyPoolOptions options{2, [&](size_t done, size_t total) {
                               reported.push_back(done);
                               if (total == 10) ++totals_seen;
                             }};
  generate_leaf_keys(leaf_key_source(LeafKeyLibrary::OpenSsl), mixed(10), options);
  ASSERT_EQ(reported.size(), 10u);
  for (size_t i = 0; i < reported.size(); ++i) EXPECT_EQ(reported[i], i + 1);
  EXPECT_EQ(totals_seen, 10u);
}

// Signing threads beyond the CPUs help only while signatures wait on a token: CA key files get
// one per CPU, whatever --token-sessions says (it used to be 16 on any machine).
TEST(LeafKeyPool, SigningThreadsFollowWhereTheCaKeysAre) {
  const KeyRegistry& registry = key_registry();
  const size_t cpus = usable_cpus();
  KeyOptions options;    // --token-sessions not given
  ClusterConfig config;  // no caKeys: the default key files under OUT/pki
  EXPECT_EQ(signing_threads(config, registry, options), cpus);
  config.ca_keys = {{"ca", "/srv/pki/ca.key"}, {"etcd-ca", "file:/srv/pki/etcd-ca.key"}};
  EXPECT_EQ(signing_threads(config, registry, options), cpus);
  options.token_sessions = 32;
  EXPECT_EQ(signing_threads(config, registry, options), cpus);

  // One CA key on a token: its sessions are kept busy.
  config.ca_keys["front-proxy-ca"] = "pkcs11:token=t;object=front-proxy-ca";
  const size_t at_least = std::min<size_t>(cpus, 8);
  EXPECT_EQ(signing_threads(config, registry, options), std::max<size_t>(at_least, 32));
  options.token_sessions = 0;
  EXPECT_EQ(signing_threads(config, registry, options),
            std::max<size_t>(at_least, kDefaultTokenSessions));
}

// Keys begun ahead are handed out first, then the rest made: every key valid, none twice, and
// progress counted over each call's keys.
TEST(LeafKeysAhead, KeysMadeAheadAndTheRestAreAllDistinctAndValid) {
  const LeafKeySource& source = leaf_key_source(LeafKeyLibrary::OpenSsl);
  LeafKeysAhead ahead(source, Algorithm::EcdsaP256);
  ahead.start(12);
  std::set<Bytes> seen;
  for (size_t count : {5u, 20u, 3u}) {
    std::vector<size_t> reported;
    LeafKeyPoolOptions options{2, [&](size_t done, size_t total) {
                                 EXPECT_EQ(total, count);
                                 reported.push_back(done);
                               }};
    std::vector<LeafKey> keys = ahead.make(count, options);
    ASSERT_EQ(keys.size(), count);
    ASSERT_FALSE(reported.empty());
    EXPECT_TRUE(std::is_sorted(reported.begin(), reported.end()));
    EXPECT_EQ(reported.back(), count);
    for (const LeafKey& key : keys) {
      ASSERT_TRUE(key.signer);
      EXPECT_EQ(algorithm_of_public_key(key.signer->public_key_der()), Algorithm::EcdsaP256);
      LeafKey reopened = source.from_pem(key.pem.reveal(), "key");
      EXPECT_EQ(reopened.signer->public_key_der(), key.signer->public_key_der());
      EXPECT_TRUE(seen.insert(key.signer->public_key_der()).second) << "a key twice";
    }
  }
}

// A source that fails ahead leaves the failure to the groups' own keys; never started, or
// dropped while making, it makes what it is asked and stops.
TEST(LeafKeysAhead, AFailureAheadSurfacesWhereTheKeysAreAskedFor) {
  RefusingSource refusing({Algorithm::EcdsaP384});
  LeafKeysAhead failing(refusing, Algorithm::EcdsaP384);
  failing.start(8);
  EXPECT_THROW(failing.make(2, {1, {}}), Error);
  LeafKeysAhead never_started(leaf_key_source(LeafKeyLibrary::OpenSsl), Algorithm::Ed25519);
  EXPECT_EQ(never_started.make(3, {}).size(), 3u);
  LeafKeysAhead dropped(leaf_key_source(LeafKeyLibrary::OpenSsl), Algorithm::Rsa2048);
  dropped.start(1000);  // its destructor stops it after the key it is making
}

TEST(LeafKeyPool, NoKeysIsNoWork) {
  EXPECT_TRUE(generate_leaf_keys(leaf_key_source(LeafKeyLibrary::OpenSsl), {}, {}).empty());
  EXPECT_GE(usable_cpus(), 1u);
}

}  // namespace
}  // namespace kpki::kube
