// kpki crl: the CA's certificate revocation list, from the revocations in the ledger, signed with
// the CA key URI through the same Signer as its certificates (a CA on a token signs on the token).
#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/ledger_flags.h"
#include "core/crl/crl_builder.h"
#include "core/display_text.h"
#include "core/duration.h"
#include "core/error.h"
#include "core/file_io.h"
#include "core/ledger/ledger.h"
#include "core/time_format.h"

namespace kpki::cli {

namespace {

struct CrlArgs {
  std::string ca_cert, ca_key, out;
  std::string next_update = "7d";
  bool force = false;
  LedgerFlag ledger;
  KeyFlags ca_key_flags;
};

void run_crl(const CrlArgs& args) {
  std::chrono::seconds lifetime = parse_duration(args.next_update, "--next-update");
  ensure_writable(args.out, args.force);
  // Where `issue` with this CA records by default: beside the CA certificate.
  std::string spec = args.ledger.resolve(ledger_beside(args.ca_cert));
  // A mistyped path would open a new, empty ledger, and its CRL would un-revoke every certificate.
  if (spec.find("://") == std::string::npos && !file_exists(spec)) {
    throw Error(ErrorCode::NotFound, "ledger '" + spec + "' does not exist");
  }
  Authority ca = load_authority(args.ca_cert, args.ca_key, args.ca_key_flags.options, nullptr);
  auto store = ledger::open_ledger(spec);
  std::string issuer = ledger::issuer_key_id(ca.certificate());

  CrlRequest request;
  request.revoked = store->revoked(issuer);
  request.this_update = now_seconds();
  request.next_update = request.this_update + lifetime;
  request.number = store->next_crl_number(issuer);
  Crl crl = build_crl(ca, request, args.ca_cert);
  write_file_atomic(args.out, crl.pem(), 0644, args.force ? Overwrite::Yes : Overwrite::No);
  std::cerr << "wrote " << args.out << " (CRL number " << request.number << " of "
            << printable(crl.issuer()) << ", " << request.revoked.size() << " revoked, next update "
            << format_utc(request.next_update, kIsoUtc) << ")\n";
}

}  // namespace

void add_crl_command(CLI::App& app) {
  auto args = std::make_shared<CrlArgs>();
  auto* cmd = app.add_subcommand(
      "crl", "Write a CA's CRL (X.509 v2) listing the certificates revoked in the ledger");
  cmd->footer(
      example("kpki crl --ca-cert pki/etcd/ca.crt --ca-key pki/etcd/ca.key --ledger out/ledger.db "
              "--out pki/etcd/crl.pem --next-update 7d --force"));
  cmd->add_option("--ca-cert", args->ca_cert, "CA certificate (PEM)")->required();
  cmd->add_option("--ca-key", args->ca_key, "CA key URI (file, botan:, pkcs11:, libp11:)")
      ->required();
  cmd->add_option("--out", args->out, "CRL output (PEM)")->required();
  cmd->add_option("--next-update", args->next_update,
                  "How long the CRL is valid (nextUpdate), e.g. 7d or 24h")
      ->capture_default_str();
  cmd->add_flag("--force", args->force, "Replace an existing --out file");
  args->ledger.add_to(*cmd);
  args->ca_key_flags.add_to(*cmd, "ca-key-");
  cmd->callback([args] { run_crl(*args); });
}

}  // namespace kpki::cli
