#pragma once
// Sanitizer builds only: memory a module allocates inside C_SignInit/C_Sign is the module's
// business. SoftHSM 2.6.1 leaks an ASN.1 string on every EdDSA C_SignInit; without this every
// sanitizer run that signs with Ed25519 on SoftHSM would fail on a bug that is not kpki's.
// Put KPKI_IGNORE_MODULE_LEAKS(); at the top of the scope that calls into the module.
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define KPKI_IGNORE_MODULE_LEAKS() __lsan::ScopedDisabler module_leaks_ignored
#else
#define KPKI_IGNORE_MODULE_LEAKS() (void)0
#endif
