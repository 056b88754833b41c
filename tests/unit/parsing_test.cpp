// Durations, subjectAltName validation, algorithm and key-URI parsing.
#include <gtest/gtest.h>

#include "backends/backends.h"
#include "backends/schemes/path_key_scheme.h"
#include "backends/schemes/token_key_scheme.h"
#include "core/keys/key_registry.h"
#include "core/util/duration.h"
#include "core/util/error.h"
#include "core/x509/algorithm.h"
#include "core/x509/subject_alt_names.h"

namespace kpki {
namespace {

using std::chrono::seconds;

TEST(Duration, AcceptsOperatorForms) {
  EXPECT_EQ(parse_duration("8760h"), seconds(8760 * 3600));
  EXPECT_EQ(parse_duration("90d"), seconds(90 * 86400));
  EXPECT_EQ(parse_duration("30m"), seconds(1800));
  EXPECT_EQ(parse_duration("45s"), seconds(45));
  EXPECT_EQ(parse_duration("1h30m"), seconds(5400));
  EXPECT_EQ(format_duration(seconds(8760 * 3600)), "8760h");
  EXPECT_EQ(format_duration(seconds(90)), "90s");
}

TEST(Duration, RejectsEverythingElseNamingTheField) {
  for (const char* bad :
       {"", "10", "h", "-5h", "10y", "0h", "1.5h", "99999999999999999999h", "10h ", " 10h"}) {
    try {
      parse_duration(bad, "--validity");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::InvalidInput);
      EXPECT_NE(std::string(e.what()).find("--validity"), std::string::npos) << e.what();
    }
  }
}

TEST(SubjectAltNames, DnsNames) {
  for (const char* ok :
       {"kubernetes", "kubernetes.default.svc.cluster.local", "*.example.com", "a-b.c", "K8S.io"}) {
    EXPECT_NO_THROW(validate_dns_name(ok)) << ok;
  }
  for (const char* bad : {"", "bad_name", "-lead.example", "trail-.example", "a..b", "a.", "*.",
                          "foo.*.com", "sp ace", "ü.example"}) {
    EXPECT_THROW(validate_dns_name(bad), Error) << bad;
  }
  EXPECT_THROW(validate_dns_name(std::string(64, 'a')), Error);
  EXPECT_NO_THROW(validate_dns_name(std::string(63, 'a')));
}

TEST(SubjectAltNames, IpAddresses) {
  EXPECT_EQ(parse_ip_address("10.96.0.1").size(), 4u);
  EXPECT_EQ(parse_ip_address("::1").size(), 16u);
  EXPECT_EQ(format_ip_address(parse_ip_address("2001:db8:0:0::1")), "2001:db8::1");
  for (const char* bad :
       {"", "10.0.0.300", "10.0.0", "1.2.3.4.5", "::g", "localhost", "10.0.0.1/24"}) {
    EXPECT_THROW(parse_ip_address(bad), Error) << bad;
  }
}

TEST(SubjectAltNames, UrisAndEmails) {
  EXPECT_NO_THROW(validate_uri("spiffe://cluster.local/ns/default/sa/x"));
  EXPECT_NO_THROW(validate_uri("https://example.com/a%20b"));
  for (const char* bad : {"", "no-scheme", ":x", "1http://x", "http://a b", "http:"}) {
    EXPECT_THROW(validate_uri(bad), Error) << bad;
  }
  EXPECT_NO_THROW(validate_email("ops@example.com"));
  for (const char* bad : {"", "nobody", "@example.com", "a@", "a b@example.com", "a@bad_domain"}) {
    EXPECT_THROW(validate_email(bad), Error) << bad;
  }
}

TEST(SubjectAltNames, NormalizeSortsDnsAndDedupsIpsInOrder) {
  SubjectAltNames sans;
  sans.dns = {"kubernetes.default", "cp1", "kubernetes", "cp1"};
  sans.ips = {"10.96.0.1", "192.168.0.10", "10.96.0.1", "::1", "0:0::1"};
  normalize_subject_alt_names(sans);
  EXPECT_EQ(sans.dns, (std::vector<std::string>{"cp1", "kubernetes", "kubernetes.default"}));
  EXPECT_EQ(sans.ips, (std::vector<std::string>{"10.96.0.1", "192.168.0.10", "::1"}));
}

TEST(Algorithm, NamesRoundTripAndKubeadmSpellings) {
  for (Algorithm alg : kAllAlgorithms) EXPECT_EQ(parse_algorithm(algorithm_name(alg)), alg);
  EXPECT_EQ(parse_algorithm("RSA-2048"), Algorithm::Rsa2048);
  EXPECT_EQ(parse_algorithm("ECDSA-P384"), Algorithm::EcdsaP384);
  EXPECT_THROW(parse_algorithm("rsa-1024"), Error);
  EXPECT_THROW(parse_algorithm("dsa"), Error);
}

TEST(KeyUri, SchemesAndPaths) {
  const KeyRegistry& registry = key_registry();
  EXPECT_EQ(registry.scheme_of("ca.key"), "file");
  EXPECT_EQ(registry.scheme_of("/etc/kubernetes/pki/ca.key"), "file");
  EXPECT_EQ(registry.scheme_of("./dir:with/colon.key"), "file");
  EXPECT_EQ(registry.scheme_of("file:ca.key"), "file");
  EXPECT_EQ(registry.scheme_of("botan:ca.key"), "botan");
  EXPECT_EQ(registry.scheme_of("pkcs11:token=a;object=b"), "pkcs11");
  EXPECT_EQ(registry.scheme_of("libp11:token=a;object=b"), "libp11");
  EXPECT_THROW(registry.scheme_of("foo:bar"), Error);
  EXPECT_THROW(registry.scheme_of(""), Error);
  EXPECT_EQ(key_uri_path("file:ca.key"), "ca.key");
  EXPECT_EQ(key_uri_path("file:///etc/ca.key"), "/etc/ca.key");
  EXPECT_EQ(key_uri_path("botan:/tmp/k.pem"), "/tmp/k.pem");
  EXPECT_THROW(key_uri_path("botan:"), Error);
}

TEST(KeyRegistry, CompiledOutBackendSaysSo) {
  // As backends/backends.cpp registers a backend that is compiled out: its descriptor only.
  KeyRegistry empty;
  empty.add(std::make_unique<TokenKeyScheme>("pkcs11", "PKCS#11"), nullptr);
  empty.add(std::make_unique<PathKeyScheme>("botan", "Botan", PathKeyScheme::Traits{}), nullptr);
  try {
    empty.manager_for("pkcs11:token=x;object=y");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unsupported);
    EXPECT_NE(std::string(e.what()).find("built without PKCS#11 support"), std::string::npos)
        << e.what();
  }
  try {
    empty.manager_for("botan:k.pem");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("built without Botan support"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace kpki
