// kpki inspect: what anything kpki writes says, as text or a document (docs/json.md):
// certificates, CSRs, CRLs (with the revoked entries) and public keys (core/issue/describe.h);
// kubeconfigs (each embedded certificate with the server and user); private keys and key URIs
// (the public part only: nothing private is ever printed); a ledger (its records).
#include <fstream>
#include <iostream>

#include "backends/backends.h"
#include "backends/leaf_key_sources.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/ledger_output.h"
#include "cli/machine_output.h"
#include "cli/result_documents.h"
#include "core/fs/file_io.h"
#include "core/issue/describe.h"
#include "core/kubernetes/tree/kubeconfig.h"
#include "core/ledger/ledger.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "core/x509/certificate.h"
#include "core/x509/pem.h"
#include "core/x509/public_key.h"

namespace kpki::cli {

namespace {

using json = nlohmann::ordered_json;

struct InspectArgs {
  std::string file, format;
  KeyFlags key;
};

// The public half of a key: type, size, SHA-256 of its SubjectPublicKeyInfo, PEM.
json public_part(const Signer& signer) {
  const Bytes spki = signer.public_key_der();
  return {{"algorithm", std::string(algorithm_name(signer.algorithm()))},
          {"publicKey", describe_public_key(spki)},
          {"publicKeySHA256", sha256_fingerprint(spki)},
          {"publicKeyPem", public_key_pem(spki)}};
}

json key_document(const std::string& uri, const KeyOptions& options) {
  auto signer = key_registry().manager_for(uri).open(uri, options);
  json doc = output_document("PrivateKey", {{"uri", redact_key_uri(uri)}});
  doc.update(public_part(*signer));
  return doc;
}

json kubeconfig_document(const std::string& text, const std::string& origin) {
  kube::Kubeconfig config = kube::parse_kubeconfig(text, origin);
  Certificate client =
      Certificate::from_pem(config.client_cert_pem, origin + ": client-certificate-data");
  json doc = output_document(
      "Kubeconfig",
      {{"cluster", config.cluster_name}, {"server", config.server}, {"user", config.user}});
  if (!config.ca_pem.empty())
    doc["certificateAuthority"] = describe_certificate(
        Certificate::from_pem(config.ca_pem, origin + ": certificate-authority-data"));
  doc["clientCertificate"] = describe_certificate(client);
  LeafKey key = leaf_key_source().from_pem(config.client_key_pem, origin + ": client-key-data");
  json client_key = public_part(*key.signer);
  client_key["matchesCertificate"] = key.signer->public_key_der() == client.public_key_der();
  doc["clientKey"] = client_key;
  return doc;
}

// A PostgreSQL ledger's spec, or a file that starts as an SQLite database does (only the first
// bytes are read: a ledger may be large).
bool is_ledger(const std::string& spec) {
  if (spec.find("://") != std::string::npos) return true;
  static const std::string kSqlite("SQLite format 3", 16);  // with its NUL
  std::ifstream in(spec, std::ios::binary);
  std::string head(kSqlite.size(), '\0');
  return in.read(head.data(), static_cast<std::streamsize>(head.size())) && head == kSqlite;
}

// A key URI of a scheme that names no file (pkcs11:, libp11:), or a file path that does not exist
// but is written as a URI (botan:PATH, file:PATH).
bool is_key_uri(const std::string& text) {
  const auto colon = text.find(':');
  return colon != std::string::npos && colon > 1 && text.find('/') > colon &&
         key_registry().supports(text.substr(0, colon));
}

void run_inspect(const InspectArgs& args) {
  const bool document = prints_document(args.format);
  auto show = [&](const json& description) {
    if (document) {
      print_document(description, args.format);
    } else {
      std::cout << render_description_text(description);
    }
  };
  if (is_key_uri(args.file) && !file_exists(args.file))
    return show(key_document(args.file, args.key.options));
  if (is_ledger(args.file)) {
    auto store = ledger::open_ledger(args.file);
    auto records = store->list({});
    if (document) {
      print_document(records_document(records, false), args.format);
    } else {
      std::cout << render_records_text(records);
    }
    return;
  }
  const Bytes content = read_file(args.file);
  if (looks_like_pem(content)) {
    const std::string label = decode_pem(content, args.file).front().label;
    if (label.find("PRIVATE KEY") != std::string::npos)
      return show(key_document(args.file, args.key.options));
  }
  const std::string text(content.begin(), content.end());
  if (!looks_like_pem(content) && text.find("clusters:") != std::string::npos &&
      text.find("users:") != std::string::npos)
    return show(kubeconfig_document(text, args.file));
  show(describe_file_content(content, args.file));
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  auto* cmd = app.add_subcommand(
      "inspect",
      "Show what a file kpki writes says: certificate, CSR, CRL, public key, kubeconfig, private "
      "key or key URI (public part only), ledger");
  cmd->footer(example("kpki inspect out/apiserver.crt -o json") +
              "  kpki inspect out/nodes/cp1/admin.conf\n  kpki inspect out/pki/crl.pem\n"
              "  kpki inspect 'pkcs11:token=kube-ca;object=kubernetes-ca?pin-source=file:pin'\n"
              "  kpki inspect out/ledger.db\n"
              "A private key shows its public part only; a ledger, its records (as kpki ledger "
              "list).");
  cmd->add_option("file", args->file, "File, key URI or ledger (PATH or postgresql://...)")
      ->required();
  add_output_format_flag(*cmd, args->format);
  args->key.add_to(*cmd, "key-");
  cmd->callback([args] { run_inspect(*args); });
}

}  // namespace kpki::cli
