// kpki crl: the CA's certificate revocation list, from the revocations in the ledger, signed with
// the CA key URI through the same Signer as its certificates (a CA on a token signs on the token).
#include <openssl/x509.h>

#include <algorithm>
#include <optional>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/ledger_flags.h"
#include "cli/machine_output.h"
#include "core/fs/file_io.h"
#include "core/issue/crl_builder.h"
#include "core/ledger/ledger.h"
#include "core/util/display_text.h"
#include "core/util/duration.h"
#include "core/util/error.h"
#include "core/util/time_format.h"
#include "core/x509/certificate_request.h"
#include "core/x509/crl.h"

namespace kpki::cli {

namespace {

// The number of the CRL of `ca` at `path` (the one --force replaces), if there is one.
std::optional<std::uint64_t> published_crl_number(const std::string& path, const Certificate& ca) {
  if (!file_exists(path)) return std::nullopt;
  try {
    Crl old = Crl::load(path);
    if (!old.signature_verifies(X509_get0_pubkey(ca.x509()))) return std::nullopt;
    return old.number();
  } catch (const Error&) {
    return std::nullopt;  // not a CRL: nothing published there
  }
}

struct CrlArgs {
  std::string ca_cert, ca_key, out;
  std::string next_update = "7d";
  bool force = false;
  std::string format;
  LedgerFlag ledger;
  KeyFlags ca_key_flags;
};

void run_crl(const CrlArgs& args) {
  std::chrono::seconds lifetime = parse_duration(args.next_update, "--next-update");
  TimePoint this_update = now_seconds();
  // Bounded as a certificate's validity is (X.509 ends in 9999), before the CA key is opened.
  TimePoint next_update = x509_time_after(this_update, lifetime, "--next-update");
  ensure_writable(args.out, args.force);
  // The ledger `issue` with this CA records into. A mistyped path would open a new, empty ledger,
  // and its CRL would un-revoke every certificate: it must exist, and be the one the CA used.
  CaLedger where = args.ledger.for_ca_certificate(args.ca_cert);
  Authority ca = load_authority(args.ca_cert, args.ca_key, args.ca_key_flags.options, nullptr);
  auto store = where.open(ledger::LedgerMustExist::Yes);
  std::string issuer = ledger::issuer_key_id(ca.certificate());

  CrlRequest request;
  request.revoked = store->revoked(issuer);
  request.this_update = this_update;
  request.next_update = next_update;
  // Never below a CRL already published: the home remembers the last number, and the CRL being
  // replaced carries one (both survive a ledger that was lost and rebuilt).
  std::uint64_t floor = ledger::crl_number_floor(*where.home, issuer);
  if (std::optional<std::uint64_t> replaced = published_crl_number(args.out, ca.certificate()))
    floor = std::max(floor, *replaced + 1);
  request.number = store->next_crl_number(issuer, floor);
  Crl crl = build_crl(ca, request, args.ca_cert);
  ledger::note_crl_published(*where.home, issuer, request.number);  // a gap, never a reuse
  write_file_atomic(args.out, crl.pem(), 0644, args.force ? Overwrite::Yes : Overwrite::No);
  print_result(
      args.format,
      output_document("PublishedCrl", {{"path", args.out},
                                       {"number", request.number},
                                       {"issuer", crl.issuer()},
                                       {"revoked", request.revoked.size()},
                                       {"thisUpdate", format_utc(request.this_update, kIsoUtc)},
                                       {"nextUpdate", format_utc(request.next_update, kIsoUtc)}}),
      "wrote " + args.out + " (CRL number " + std::to_string(request.number) + " of " +
          printable(crl.issuer()) + ", " + std::to_string(request.revoked.size()) +
          " revoked, next update " + format_utc(request.next_update, kIsoUtc) + ")");
}

}  // namespace

void add_crl_command(CLI::App& app) {
  auto args = std::make_shared<CrlArgs>();
  auto* cmd = app.add_subcommand(
      "crl", "Write a CA's CRL (X.509 v2) listing the certificates revoked in the ledger");
  cmd->footer(
      example("kpki crl --ca-cert out/pki/etcd/ca.crt --ca-key out/pki/etcd/ca.key "
              "--out out/pki/etcd/crl.pem --next-update 7d --force") +
      "\nThe CRL number is never below one already published (the ledger's, the ledger state's "
      "beside it, --out's).");
  cmd->add_option("--ca-cert", args->ca_cert, "CA certificate (PEM)")->required();
  cmd->add_option("--ca-key", args->ca_key, "CA key URI (file, botan:, pkcs11:, libp11:)")
      ->required();
  cmd->add_option("--out", args->out, "CRL output (PEM)")->required();
  cmd->add_option("--next-update", args->next_update,
                  "How long the CRL is valid (nextUpdate), e.g. 7d or 24h")
      ->capture_default_str();
  cmd->add_flag("--force", args->force, "Replace an existing --out file");
  add_output_format_flag(*cmd, args->format);
  args->ledger.add_to(*cmd);
  args->ca_key_flags.add_to(*cmd, "ca-key-");
  cmd->callback([args] { run_crl(*args); });
}

}  // namespace kpki::cli
