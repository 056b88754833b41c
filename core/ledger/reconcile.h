#pragma once
// Settling records left incomplete by a crash or a failed run: a record whose destination file
// holds its certificate is released; any other is abandoned (never released: no file has it).
#include <string>

#include "core/ledger/ledger.h"
#include "core/util/bytes.h"

namespace kpki::ledger {

// True when the file at `path` holds the certificate `der`: as DER, as PEM, or base64 inside a
// kubeconfig. A missing or unreadable file holds nothing.
bool file_holds(const std::string& path, ByteView der);
// The same test on content already read.
bool content_holds(std::string_view content, ByteView der);

struct ReconcileCounts {
  int released = 0;
  int abandoned = 0;
  int skipped = 0;  // issued by a process of this host that is still running
};

// Settles every incomplete record, except those of processes of this host still running (they
// may be writing the file right now). `only_this_host`: leave other hosts' records alone too
// (what a run does on start; `kpki ledger reconcile` settles them all).
ReconcileCounts reconcile(Ledger& ledger, bool only_this_host);

// gethostname(), for records and for reconcile.
std::string this_host();

}  // namespace kpki::ledger
