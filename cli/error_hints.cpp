#include "cli/error_hints.h"

#include "cli/doc_path.h"
#include "core/kubernetes/model/kubeadm_config.h"
#include "core/ledger/ledger_binding.h"

namespace kpki::cli {

namespace {

// The innermost subcommand that was parsed (the verb that ran), or `app` itself.
const CLI::App& verb_that_ran(const CLI::App& app) {
  for (const CLI::App* sub : app.get_subcommands()) {
    if (sub->parsed()) return verb_that_ran(*sub);
  }
  return app;
}

}  // namespace

std::string hint_for(const Error& error, const CLI::App& app) {
  if (const auto* old = dynamic_cast<const kube::KubeadmApiVersionError*>(&error))
    return " (convert it first: kubeadm config migrate --old-config " + old->origin() +
           " --new-config new.yaml)";
  if (const auto* lost = dynamic_cast<const ledger::LedgerBindingError*>(&error))
    return " (restore it from a backup; else recover what the files still show: kpki ledger "
           "rebuild --dir " +
           (lost->home().dir.empty() ? std::string(".") : lost->home().dir.string()) +
           " --ledger " + lost->location() + " --crl LAST-PUBLISHED-CRL, see " +
           doc_path("docs/ledger.md") + ")";
  if (!error.rotation_next_phase().empty())
    return " (run: kpki ca rotate " + error.rotating_ca() + " --phase " +
           error.rotation_next_phase() + " --dir OUT --config CONFIG)";
  if (error.code() != ErrorCode::AlreadyExists) return "";
  // A token object is never overwritten (`ca import` onto a label another key holds).
  if (error.existing_file().empty() && verb_that_ran(app).get_name() == "import")
    return " (kpki never overwrites a token key: import under another object= label or onto "
           "another token; kpki hsm keys 'pkcs11:token=...?pin-source=...' lists what it holds)";
  if (error.existing_file().empty()) return "";
  if (verb_that_ran(app).get_option_no_throw("--force") == nullptr) return "";
  return " (use --force to replace it)";
}

}  // namespace kpki::cli
