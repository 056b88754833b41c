// Names that show as something they are not (bidi controls, zero-width, format, default-ignorable,
// separator, private-use and unassigned code points), subjects that say two things (a repeated
// CN), and files that hold several objects where one is expected: each is refused, never silently
// reduced to one reading.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "backends/openssl_file/file_key_manager.h"
#include "core/fs/file_io.h"
#include "core/issue/csr.h"
#include "core/keys/key_registry.h"
#include "core/util/display_text.h"
#include "core/util/error.h"
#include "core/x509/certificate.h"
#include "core/x509/pem.h"
#include "core/x509/x509_names.h"
#include "tests/support/test_keys.h"

namespace kpki {
namespace {

// Every invisible reordering or zero-width code point the check must catch, as UTF-8.
const char* const kInvisible[] = {
    "\u061C",                                          // ARABIC LETTER MARK
    "\u200B", "\u200C", "\u200D", "\u200E", "\u200F",  // zero-width, LRM, RLM
    "\u202A", "\u202B", "\u202C", "\u202D", "\u202E",  // embeddings and overrides
    "\u2060",                                          // WORD JOINER
    "\u2066", "\u2067", "\u2068", "\u2069",            // isolates
    "\uFEFF",                                          // ZERO WIDTH NO-BREAK SPACE (BOM)
};

TEST(InvisibleCharacters, AreNotPrintableAndAreEscapedForDisplay) {
  for (const char* c : kInvisible) {
    std::string name = std::string("admin") + c + "gpj.exe";
    EXPECT_FALSE(is_printable_utf8(name)) << printable(name);
    EXPECT_EQ(printable(name).find(c), std::string::npos) << printable(name);
    EXPECT_NE(printable(name).find("\\x"), std::string::npos);
  }
  // Neighbours stay printable: hair space, hyphen, ellipsis, Arabic comma, U+FEFC (U+FEFE is
  // unassigned, refused since every unassigned code point is).
  for (const char* ok : {"\u200A", "\u2010", "\u2026", "\u060C", "\uFEFC", "Zürich ✓"})
    EXPECT_TRUE(is_printable_utf8(ok)) << ok;
}

TEST(InvisibleCharacters, SubjectsWithThemAreNeverEncoded) {
  // make_x509_name is where every subject kpki writes passes: --cn, --org, configs, CSRs.
  for (const char* c : kInvisible) {
    Subject cn;
    cn.common_name = std::string("admin") + c;
    EXPECT_THROW(make_x509_name(cn), Error) << printable(cn.common_name);
    Subject org;
    org.common_name = "x";
    org.organizations = {std::string("system:") + c + "masters"};
    EXPECT_THROW(make_x509_name(org), Error);
  }
  Subject control;
  control.common_name = "a\nb";
  EXPECT_THROW(make_x509_name(control), Error);
}

// A CSR signed by a fresh P-256 key whose subject is exactly `entries` (nid, UTF-8 value).
std::string raw_csr_pem(const std::vector<std::pair<int, std::string>>& entries) {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  X509ReqPtr req(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  for (const auto& [nid, value] : entries) {
    EXPECT_TRUE(X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                           reinterpret_cast<const unsigned char*>(value.data()),
                                           static_cast<int>(value.size()), -1, 0));
  }
  EXPECT_TRUE(X509_REQ_set_pubkey(req.get(), key.get()));
  EXPECT_GT(X509_REQ_sign(req.get(), key.get(), EVP_sha256()), 0);
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_REQ(bio.get(), req.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string csr_error(const std::string& pem) {
  try {
    parse_csr(as_bytes(pem), "req.csr");
  } catch (const Error& e) {
    return e.message();
  }
  return "accepted";
}

// Code points that passed before the check covered every format, default-ignorable, separator,
// private-use and unassigned code point (is_refused_code_point, Unicode 15.0 tables).
const char* const kOtherInvisible[] = {
    "\u2028",                // LINE SEPARATOR (Zl)
    "\u2029",                // PARAGRAPH SEPARATOR (Zp)
    "\u00AD",                // SOFT HYPHEN (Cf)
    "\u3164",                // HANGUL FILLER (Lo, default-ignorable)
    "\u180E",                // MONGOLIAN VOWEL SEPARATOR (Cf)
    "\uFFFB",                // INTERLINEAR ANNOTATION TERMINATOR (Cf)
    "\u034F",                // COMBINING GRAPHEME JOINER (Mn, default-ignorable)
    "\uFE0F",                // VARIATION SELECTOR-16 (Mn, default-ignorable)
    "\U000E0041",            // TAG LATIN CAPITAL LETTER A (Cf)
    "\u115F",     "\uFFA0",  // Hangul fillers (default-ignorable)
    "\u2065",                // unassigned, default-ignorable
    "\u0378",                // unassigned
    "\uFFFE",                // noncharacter
    "\U0001FFFF",            // noncharacter
    "\uE000",                // private use
    "\U000F0000",            // supplementary private use
    "\U0010FFFD",            // supplementary private use
    "\U000E01EF",            // VARIATION SELECTOR-256
};

TEST(InvisibleCharacters, EveryFormatIgnorableSeparatorPrivateUseAndUnassignedIsRefused) {
  for (const char* c : kOtherInvisible) {
    std::string name = std::string("admin") + c;
    EXPECT_FALSE(is_printable_utf8(name)) << printable(name);
    EXPECT_EQ(printable(name).find(c), std::string::npos) << printable(name);
    Subject cn;
    cn.common_name = name;
    EXPECT_THROW(make_x509_name(cn), Error) << printable(name);
    Subject org;
    org.common_name = "x";
    org.organizations = {std::string("system:") + c + "masters"};
    EXPECT_THROW(make_x509_name(org), Error) << printable(org.organizations[0]);
    // From a CSR, CN and O.
    EXPECT_NE(csr_error(raw_csr_pem({{NID_commonName, name}})).find("is not valid text"),
              std::string::npos)
        << printable(name);
    EXPECT_NE(csr_error(raw_csr_pem({{NID_commonName, "x"}, {NID_organizationName, name}}))
                  .find("subject attribute O is not valid text"),
              std::string::npos)
        << printable(name);
    // SANs: DNS, URI and email are ASCII by construction; the invisible character is refused.
    SubjectAltNames dns, uri, email;
    dns.dns = {std::string("a") + c + ".example.com"};
    uri.uris = {std::string("spiffe://example.com/") + c};
    email.emails = {std::string("a") + c + "@example.com"};
    for (const auto* sans : {&dns, &uri, &email})
      EXPECT_THROW(make_general_names(*sans), Error) << printable(name);
  }
}

TEST(InvisibleCharacters, ValidNonAsciiNamesStillPass) {
  for (const char* ok : {"José", "Müller", "東京都", "서울", "Ελένη", "Ольга", "محمد", "יוסי",
                         "Zürich ✓", "O'Brien & Söhne", "名前　空白", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "😀"}) {
    EXPECT_TRUE(is_printable_utf8(ok)) << ok;
    EXPECT_EQ(printable(ok), ok);
    Subject s;
    s.common_name = ok;
    s.organizations = {ok};
    EXPECT_NO_THROW(make_x509_name(s)) << ok;
    EXPECT_EQ(csr_error(raw_csr_pem({{NID_commonName, ok}, {NID_organizationName, ok}})),
              "accepted")
        << ok;
  }
}

TEST(CsrSubject, InvisibleCharactersAreRefused) {
  EXPECT_NE(csr_error(raw_csr_pem({{NID_commonName, "admin\u202Egpj"}})).find("bidi"),
            std::string::npos);
  EXPECT_NE(csr_error(raw_csr_pem(
                          {{NID_commonName, "x"}, {NID_organizationName, "system:\u200Bmasters"}}))
                .find("req.csr: subject attribute O is not valid text"),
            std::string::npos);
}

TEST(CsrSubject, RepeatedCommonNameOrGroupIsRefused) {
  EXPECT_EQ(csr_error(raw_csr_pem({{NID_commonName, "admin"}, {NID_commonName, "guest"}})),
            "req.csr: subject has more than one CN attribute");
  EXPECT_EQ(
      csr_error(raw_csr_pem(
          {{NID_commonName, "a"}, {NID_organizationName, "dev"}, {NID_organizationName, "dev"}})),
      "req.csr: subject has O=dev given twice");
  // Shown as one RFC 4514 value, not as a second attribute.
  EXPECT_EQ(csr_error(raw_csr_pem({{NID_commonName, "a"},
                                   {NID_organizationName, "x, O=y"},
                                   {NID_organizationName, "x, O=y"}})),
            "req.csr: subject has O=x\\, O=y given twice");
  EXPECT_EQ(csr_error(raw_csr_pem(
                {{NID_commonName, "a"}, {NID_countryName, "DE"}, {NID_countryName, "FR"}})),
            "req.csr: subject has more than one C attribute");
  // Several different groups are how Kubernetes names a user's groups.
  EXPECT_EQ(csr_error(raw_csr_pem({{NID_organizationName, "dev"},
                                   {NID_organizationName, "ops"},
                                   {NID_commonName, "alice"}})),
            "accepted");
}

TEST(SingleObject, TwoCsrsOrCertificatesInOneFileAreRefused) {
  std::string one = raw_csr_pem({{NID_commonName, "a"}});
  std::string two = one + raw_csr_pem({{NID_commonName, "b"}});
  EXPECT_EQ(csr_error(one), "accepted");
  EXPECT_EQ(csr_error(two), "'req.csr' holds 2 PEM blocks; expected exactly one CSR");

  auto signer = testing::make_signer(Algorithm::EcdsaP256);
  Certificate ca = testing::make_test_ca(*signer);
  testing::TempDir dir;
  write_file_atomic(dir.file("two.pem"), ca.pem() + ca.pem(), 0644, Overwrite::No);
  try {
    Certificate::load(dir.file("two.pem"));
    ADD_FAILURE() << "two certificates read as one";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(),
              "'" + dir.file("two.pem") + "' holds 2 PEM blocks; expected exactly one certificate");
  }
  // A key next to the certificate is just as ambiguous.
  write_file_atomic(
      dir.file("cert-and-key.pem"),
      ca.pem() + "-----BEGIN PRIVATE KEY-----\n" + "AAAA\n-----END PRIVATE KEY-----\n", 0644,
      Overwrite::No);
  EXPECT_THROW(Certificate::load(dir.file("cert-and-key.pem")), Error);
  // A verify --ca bundle may hold several.
  EXPECT_EQ(Certificate::load_bundle(dir.file("two.pem")).size(), 2u);
  // DER with anything after the object.
  Bytes der = ca.der();
  der.push_back(0x00);
  EXPECT_EQ(single_object_problem(der, "x.der", "certificate"),
            "'x.der' has trailing data after the certificate");
  EXPECT_EQ(single_object_problem(ca.der(), "x.der", "certificate"), "");
}

std::string key_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

TEST(SingleObject, KeyFilesWithTwoKeysAreRefusedByEveryLoader) {
  EvpPkeyPtr a(EVP_EC_gen("P-256")), b(EVP_EC_gen("P-256"));
  testing::TempDir dir;
  std::string two = dir.file("two.key");
  write_file_atomic(two, key_pem(a.get()) + key_pem(b.get()), 0600, Overwrite::No);
  try {
    load_private_key_file(two, "");
    ADD_FAILURE() << "two keys read as one";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "'" + two + "' holds 2 PEM blocks; expected exactly one private key");
  }
  EXPECT_THROW(key_registry().manager_for(two).open(two, {}), Error);
  if (key_registry().supports("botan")) {
    EXPECT_THROW(key_registry().manager_for("botan:" + two).open("botan:" + two, {}), Error);
  }
  const LeafKeySource& leaf_keys = leaf_key_source(LeafKeyLibrary::OpenSsl);
  EXPECT_THROW(leaf_keys.from_pem(key_pem(a.get()) + key_pem(b.get()), "client-key-data"), Error);

  // `openssl ecparam -genkey` writes EC PARAMETERS before the key: one key, accepted.
  std::string ecparam = dir.file("ecparam.key");
  write_file_atomic(
      ecparam,
      "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" +
          key_pem(a.get()),
      0600, Overwrite::No);
  EXPECT_NO_THROW(load_private_key_file(ecparam, ""));
}

}  // namespace
}  // namespace kpki
