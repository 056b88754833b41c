#pragma once
// Each verb group of the kpki CLI registers itself on the app; main.cpp only wires them up.
#include <CLI/CLI.hpp>

namespace kpki::cli {

void add_ca_commands(CLI::App& app);               // ca create
void add_issue_command(CLI::App& app);             // issue
void add_sign_command(CLI::App& app);              // sign (a CSR)
void add_inspect_command(CLI::App& app);           // inspect
void add_verify_command(CLI::App& app);            // verify
void add_key_commands(CLI::App& app);              // key generate
void add_csr_command(CLI::App& app);               // csr (make a CSR with a key URI)
void add_hsm_commands(CLI::App& app);              // hsm tokens|keys (PKCS#11)
void add_bench_command(CLI::App& app);             // bench
void add_init_command(CLI::App& app);              // init (a cluster's PKI)
void add_certs_commands(CLI::App& app);            // certs check-expiration|renew
void add_certs_csr_commands(CLI::App& certs);      // certs generate-csr|check (on `certs`)
void add_kubeconfig_commands(CLI::App& app);       // kubeconfig user
void add_ledger_commands(CLI::App& app);           // ledger list|show|reconcile|rebuild
void add_ledger_rebuild_command(CLI::App& group);  // ledger rebuild (cmd_ledger_rebuild.cpp)
void add_revoke_command(CLI::App& app);            // revoke
void add_crl_command(CLI::App& app);               // crl
void add_ca_import_command(CLI::App& ca);          // ca import (on the `ca` subcommand)
void add_ca_rotate_command(CLI::App& ca);          // ca rotate (on the `ca` subcommand)

}  // namespace kpki::cli
