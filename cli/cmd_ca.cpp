// kpki ca create: a self-signed root CA whose key lives at any key URI, or with --parent-cert and
// --parent-key an intermediate CA signed by that parent (through its Authority, recorded in the
// parent's ledger).
#include <iostream>

#include "backends/backends.h"
#include "cli/cli_model.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/ledger_flags.h"
#include "cli/machine_output.h"
#include "cli/result_documents.h"
#include "cli/subject_flags.h"
#include "core/fs/file_io.h"
#include "core/issue/authority.h"
#include "core/issue/file_group.h"
#include "core/issue/profiles.h"
#include "core/keys/key_registry.h"
#include "core/kubernetes/tree/ca_chain.h"
#include "core/util/duration.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"
#include "core/x509/pem.h"

namespace kpki::cli {

namespace {

struct CaCreateArgs {
  std::string key_uri;
  std::string algorithm = "ecdsa-p256";
  std::string validity = "87600h";
  std::string out;
  std::string parent_cert;  // with parent_key: an intermediate CA under this CA
  std::string parent_key;
  int path_length = -1;
  bool force = false;
  bool generate = false;  // a token key may be generated only when asked for
  std::string format;
  SubjectFlags subject;
  KeyFlags key;
  KeyFlags parent_key_options;
  LedgerFlag ledger;
};

// A mistyped token= or object= must not make a new CA key on a token quietly: a token key that
// does not exist is generated only with --generate (a key file is made as before).
void refuse_token_key_generation(const CaCreateArgs& args) {
  if (args.generate || !key_registry().scheme_for(args.key_uri).is_token()) return;
  if (key_registry().manager_for(args.key_uri).exists(args.key_uri, args.key.options)) return;
  throw Error(ErrorCode::NotFound,
              "key '" + redact_key_uri(args.key_uri) +
                  "' is not on the token: check token= and object= (kpki hsm keys lists the "
                  "token's keys), or add --generate to make a new CA key there");
}

Subject authority_subject(const CaCreateArgs& args) {
  return kube::first_certificate(args.parent_cert).subject();
}

void run_ca_create(const CaCreateArgs& args) {
  Algorithm algorithm = parse_algorithm(args.algorithm);
  // Every check that needs no key comes before one is generated.
  Validity validity = Validity::from_now(parse_duration(args.validity, "--validity"), "--validity");
  ensure_writable(args.out, args.force);
  refuse_token_key_generation(args);

  CreatedFiles rollback;
  bool created = false;
  auto signer =
      key_registry().open_or_generate(args.key_uri, algorithm, args.key.options, &created);
  if (auto file = key_registry().scheme_for(args.key_uri).key_file(args.key_uri); created && file)
    rollback.add(*file);
  const bool intermediate = !args.parent_cert.empty();
  // An intermediate is the parent's issuance: it is recorded in the parent's ledger.
  auto journal =
      start_journal(args.ledger.for_ca_certificate(intermediate ? args.parent_cert : args.out));
  CertificateRequest request;
  request.subject = args.subject.subject;
  request.sans = args.subject.sans;
  apply_profile(Profile::Ca, key_type(signer->algorithm()), request);
  if (args.path_length >= 0) request.path_length = args.path_length;
  request.validity = validity;
  request.subject_public_key = signer->public_key_der();
  std::string pem;
  auto sign = [&]() -> Issued {
    if (!intermediate) {
      // The operator names the CA with their own flags: trusted_requests().
      Issued self =
          Authority::self_sign(request, *signer,
                               {args.key_uri, trusted_requests(), journal.get(), "CA certificate",
                                key_registry().scheme_of(args.key_uri)});
      pem = self.certificate.pem();
      return self;
    }
    // An intermediate certifies no further CA unless asked (docs/ca-lifecycle.md).
    if (args.path_length < 0) request.path_length = 0;
    std::vector<Certificate> parent = Certificate::load_bundle(args.parent_cert);
    KeyOptions parent_options = args.parent_key_options.options;
    parent_options.pkcs11_module = args.key.options.pkcs11_module;  // one --pkcs11-module
    Authority authority =
        load_authority(args.parent_cert, args.parent_key, parent_options, journal.get());
    Issued child = authority.issue(request);
    // The file holds the CA first, then the certificates above it (what kubeadm reads as ca.crt).
    pem = kube::ca_files(child.certificate, kube::chain_above(child.certificate, parent)).trust_pem;
    return child;
  };
  Issued issued = sign();
  const Certificate& ca = issued.certificate;
  write_recorded_file(args.out, pem, 0644, args.force ? Overwrite::Yes : Overwrite::No,
                      issued.record);
  rollback.commit();
  finish_journal(*journal);
  print_message(key_message(args.key_uri, signer->algorithm(), created));
  if (intermediate)
    print_message("an intermediate CA signed by " + subject_to_string(authority_subject(args)));
  print_result(args.format,
               issued_certificate_document(args.out, ca, "ca",
                                           key_json(args.key_uri, signer->algorithm(), created)),
               issued_certificate_line(args.out, ca, "ca"));
}

}  // namespace

void add_ca_commands(CLI::App& app) {
  auto* ca = app.add_subcommand("ca", "Certificate authorities");
  ca->require_subcommand(1);
  auto args = std::make_shared<CaCreateArgs>();
  auto* create = ca->add_subcommand(
      "create",
      "Create a CA: self-signed, or an intermediate with --parent-cert/--parent-key; a key file "
      "at --key is generated if absent, a token key only with --generate");
  create->footer(
      example(
          "kpki ca create --key 'pkcs11:token=kube-ca;object=kubernetes-ca?pin-source=file:pin' "
          "--generate --algorithm ecdsa-p256 --cn kubernetes --out ca.crt") +
      "  kpki ca create --key ca.key --parent-cert root.crt --parent-key "
      "'pkcs11:token=offline-root;object=root?pin-source=file:pin' --cn kubernetes --out ca.crt\n");
  create
      ->add_option("--key", args->key_uri,
                   "Key URI: PATH, file:PATH, botan:PATH, pkcs11:... or libp11:...")
      ->required();
  create->add_option("--algorithm", args->algorithm, "Key algorithm when the key is generated")
      ->check(algorithm_choices())
      ->capture_default_str();
  create->add_option("--validity", args->validity, "Lifetime, e.g. 87600h or 3650d")
      ->capture_default_str();
  create->add_option("--path-length", args->path_length, "pathLenConstraint (default: none)");
  create->add_option("--out", args->out, "Certificate output (PEM)")->required();
  auto* parent_cert =
      create->add_option("--parent-cert", args->parent_cert,
                         "Make an intermediate CA signed by this CA (e.g. an offline root)");
  auto* parent_key = create->add_option("--parent-key", args->parent_key,
                                        "The parent CA's key URI (any scheme --key takes)");
  parent_cert->needs(parent_key);
  parent_key->needs(parent_cert);
  create->add_flag("--force", args->force, "Replace an existing --out file");
  create->add_flag("--generate", args->generate,
                   "Generate the key on its token when the token has no such object (a key file "
                   "is generated without it)");
  add_output_format_flag(*create, args->format);
  args->subject.add_to(*create, true);
  args->key.add_to(*create, "key-");
  args->parent_key_options.add_to(*create, "parent-key-");
  args->ledger.add_to(*create);
  create->callback([args] { run_ca_create(*args); });
  add_ca_import_command(*ca);
  add_ca_rotate_command(*ca);
}

}  // namespace kpki::cli
