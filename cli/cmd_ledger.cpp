// kpki ledger list|show|reconcile (and rebuild, cmd_ledger_rebuild.cpp): what the CA keys signed,
// from the issuance ledger (docs/ledger.md).
#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/ledger_flags.h"
#include "cli/ledger_output.h"
#include "cli/machine_output.h"
#include "core/ledger/reconcile.h"
#include "core/util/duration.h"
#include "core/util/error.h"

namespace kpki::cli {

namespace {

struct ListArgs {
  LedgerFlag ledger;
  std::string ca_cert, ca, expiring, subject, format;
};

void run_list(const ListArgs& args) {
  ledger::RecordQuery query;
  query.ca = args.ca;
  query.subject = args.subject;
  if (!args.expiring.empty()) query.expiring_within = parse_duration(args.expiring, "--expiring");
  auto store = args.ledger.for_optional_ca(args.ca_cert).open(ledger::LedgerMustExist::Yes);
  std::vector<ledger::IssuanceRecord> records = store->list(query);
  if (prints_document(args.format)) {
    print_document(records_document(records, false), args.format);
  } else if (args.format == "csv") {
    std::cout << render_records_csv(records);
  } else {
    std::cout << render_records_text(records);
  }
}

struct ShowArgs {
  LedgerFlag ledger;
  std::string ca_cert, serial, format;
};

void run_show(const ShowArgs& args) {
  std::string serial = normalize_serial(args.serial);
  auto store = args.ledger.for_optional_ca(args.ca_cert).open(ledger::LedgerMustExist::Yes);
  std::vector<ledger::IssuanceRecord> records = store->find_serial(serial);
  if (records.empty())
    throw Error(ErrorCode::NotFound,
                "ledger '" + store->location() + "': no certificate with serial " + serial);
  if (prints_document(args.format)) {
    // One record (the usual case) is an IssuanceRecord; a serial several CAs issued, a list.
    print_document(
        records.size() == 1 ? record_document(records[0], true) : records_document(records, true),
        args.format);
    return;
  }
  for (size_t i = 0; i < records.size(); ++i)
    std::cout << (i ? "\n" : "") << render_record_detail(records[i]);
}

struct ReconcileArgs {
  LedgerFlag ledger;
  std::string ca_cert, format;
};

void run_reconcile(const ReconcileArgs& args) {
  auto store = args.ledger.for_optional_ca(args.ca_cert).open(ledger::LedgerMustExist::Yes);
  ledger::ReconcileCounts counts = ledger::reconcile(*store, false);
  print_result(args.format,
               output_document("ReconcileResult", {{"ledger", store->location()},
                                                   {"released", counts.released},
                                                   {"abandoned", counts.abandoned},
                                                   {"stillBeingWritten", counts.skipped}}),
               "reconciled: " + std::to_string(counts.released) + " released, " +
                   std::to_string(counts.abandoned) + " abandoned, " +
                   std::to_string(counts.skipped) + " still being written");
}

// --ca-cert: the ledger is this CA's (docs/ledger.md "Where it is"); its records are not filtered.
void add_ca_cert_flag(CLI::App& cmd, std::string& ca_cert) {
  cmd.add_option("--ca-cert", ca_cert, "A CA certificate: use that CA's ledger");
}

}  // namespace

void add_ledger_commands(CLI::App& app) {
  auto* group = app.add_subcommand("ledger", "The issuance ledger: every certificate kpki signed");
  group->require_subcommand(1);

  auto list = std::make_shared<ListArgs>();
  auto* list_cmd = group->add_subcommand("list", "List recorded certificates");
  list_cmd->footer(example("kpki ledger list --ca-cert out/pki/ca.crt --expiring 30d"));
  add_ca_cert_flag(*list_cmd, list->ca_cert);
  list->ledger.add_to(*list_cmd, LedgerDefault::CaFlag);
  list_cmd->add_option("--ca", list->ca, "Issuer: its CN, whole subject or key id");
  list_cmd->add_option("--expiring", list->expiring,
                       "Only certificates whose notAfter is within this duration (e.g. 30d)");
  list_cmd->add_option("--subject", list->subject, "Only subjects containing this text");
  add_output_format_flag(*list_cmd, list->format, true);
  list_cmd->callback([list] { run_list(*list); });

  auto show = std::make_shared<ShowArgs>();
  auto* show_cmd = group->add_subcommand("show", "Everything recorded about one certificate");
  show_cmd->add_option("serial", show->serial, "Serial (hex, as 'ledger list' shows)")->required();
  add_ca_cert_flag(*show_cmd, show->ca_cert);
  show->ledger.add_to(*show_cmd, LedgerDefault::CaFlag);
  add_output_format_flag(*show_cmd, show->format);
  show_cmd->callback([show] { run_show(*show); });

  auto reconcile = std::make_shared<ReconcileArgs>();
  auto* reconcile_cmd = group->add_subcommand(
      "reconcile", "Settle incomplete records against their files (released or abandoned)");
  add_ca_cert_flag(*reconcile_cmd, reconcile->ca_cert);
  reconcile->ledger.add_to(*reconcile_cmd, LedgerDefault::CaFlag);
  add_output_format_flag(*reconcile_cmd, reconcile->format);
  reconcile_cmd->callback([reconcile] { run_reconcile(*reconcile); });

  add_ledger_rebuild_command(*group);
}

}  // namespace kpki::cli
