#pragma once
// The PostgreSQL ledger storage is a loadable module, kpki-ledger-postgresql.so, so that libpq,
// libpqxx and what they pull in (Kerberos, LDAP, SASL, GnuTLS: about 4 MB resident) are mapped
// only by a process that opens a postgresql:// ledger, not by every `kpki init`. This header is
// the whole contract between the module (postgresql_connection.cpp and the SQL ledger it carries)
// and its loader (postgresql_loader.cpp, part of kpki's ledger layer).
namespace kpki::ledger {

class Ledger;

namespace postgresql_module {

inline constexpr const char* kFileName = "kpki-ledger-postgresql.so";

// extern "C" const char* kpki_ledger_postgresql_version(): the kpki version the module was built
// with. Ledger and IssuanceRecord are C++ types whose layout only one version promises, so the
// loader refuses a module of any other version.
inline constexpr const char* kVersionSymbol = "kpki_ledger_postgresql_version";
using VersionFunction = const char* (*)();

// extern "C" kpki::ledger::Ledger* kpki_ledger_postgresql_open(const char* uri): a ledger the
// caller owns (delete through Ledger's virtual destructor); throws kpki::Error like open_ledger.
inline constexpr const char* kOpenSymbol = "kpki_ledger_postgresql_open";
using OpenFunction = Ledger* (*)(const char* uri);

}  // namespace postgresql_module
}  // namespace kpki::ledger
