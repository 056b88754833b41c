// kpki revoke SERIAL --reason R: marks a recorded certificate revoked in the ledger; `kpki crl`
// then lists it.
#include <iostream>

#include "cli/cli_model.h"
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/ledger_flags.h"
#include "cli/ledger_output.h"
#include "cli/machine_output.h"
#include "core/util/display_text.h"
#include "core/util/error.h"
#include "core/util/time_format.h"

namespace kpki::cli {

namespace {

struct RevokeArgs {
  std::string serial, reason = "unspecified", ca, ca_cert, format;
  LedgerFlag ledger;
};

void run_revoke(const RevokeArgs& args) {
  std::string serial = normalize_serial(args.serial);
  ledger::RevocationReason reason = ledger::parse_reason(args.reason);
  auto store = args.ledger.for_optional_ca(args.ca_cert).open(ledger::LedgerMustExist::Yes);
  // --ca-cert names the issuer exactly (its key id); --ca by name.
  std::string issuer =
      args.ca_cert.empty() ? args.ca : ledger::issuer_key_id(Certificate::load(args.ca_cert));
  std::vector<ledger::IssuanceRecord> found;
  for (auto& r : store->find_serial(serial))
    if (issuer.empty() || ledger::issued_by(r, issuer)) found.push_back(std::move(r));
  if (found.empty())
    throw Error(ErrorCode::NotFound,
                "ledger '" + store->location() + "': no certificate with serial " + serial +
                    (issuer.empty() ? "" : " issued by '" + printable(issuer) + "'"));
  if (found.size() > 1)
    throw Error(ErrorCode::InvalidInput, "serial " + serial + " was issued by " +
                                             std::to_string(found.size()) +
                                             " CAs in the ledger; choose one with --ca");
  TimePoint now = now_seconds();
  store->revoke(found[0].key(), reason, now);
  const std::string when = format_utc(now, kIsoUtc);
  print_result(args.format,
               output_document("Revocation", {{"serial", serial},
                                              {"subject", found[0].subject},
                                              {"issuer", found[0].issuer},
                                              {"issuerKeyId", found[0].issuer_key_id},
                                              {"reason", std::string(ledger::reason_name(reason))},
                                              {"time", when},
                                              {"ledger", store->location()}}),
               "revoked " + serial + " (" + printable(found[0].subject) + ", issuer " +
                   printable(found[0].issuer) + "): " + std::string(ledger::reason_name(reason)) +
                   " at " + when);
}

}  // namespace

void add_revoke_command(CLI::App& app) {
  auto args = std::make_shared<RevokeArgs>();
  auto* cmd = app.add_subcommand("revoke", "Revoke a certificate recorded in the ledger");
  cmd->footer(example("kpki revoke 5F3A... --reason keyCompromise --ca-cert out/pki/ca.crt") +
              "\nReasons (RFC 5280): unspecified, keyCompromise, cACompromise, "
              "affiliationChanged, superseded,\ncessationOfOperation, certificateHold, "
              "removeFromCRL, privilegeWithdrawn, aACompromise.");
  cmd->add_option("serial", args->serial, "Serial (hex, as 'ledger list' shows)")->required();
  cmd->add_option("--reason", args->reason, "RFC 5280 reason")
      ->capture_default_str()
      ->check(reason_choices());
  cmd->add_option("--ca", args->ca, "Issuer (CN, subject or key id) when serials collide");
  cmd->add_option("--ca-cert", args->ca_cert,
                  "The issuing CA's certificate: revokes its certificate, in its ledger");
  args->ledger.add_to(*cmd, LedgerDefault::CaFlag);
  add_output_format_flag(*cmd, args->format);
  cmd->callback([args] { run_revoke(*args); });
}

}  // namespace kpki::cli
