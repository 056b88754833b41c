#pragma once
// Sanitizer builds only: memory a module or libp11 allocates inside a call from kpki is theirs.
// SoftHSM 2.6.1 leaks an ASN.1 string on every EdDSA C_SignInit, and libp11 0.4.12's slot and
// key lists are kept on purpose (backends/libp11/libp11_context.cpp); without this every
// sanitizer run would fail on allocations kpki neither makes nor can free.
// Put KPKI_IGNORE_MODULE_LEAKS(); at the top of the scope that calls into the module.
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define KPKI_IGNORE_MODULE_LEAKS() __lsan::ScopedDisabler module_leaks_ignored
#else
#define KPKI_IGNORE_MODULE_LEAKS() (void)0
#endif
