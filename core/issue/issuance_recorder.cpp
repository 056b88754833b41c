#include "core/issue/issuance_recorder.h"

namespace kpki {

void record_before_install(std::span<const CarriedCertificate> files) {
  // Each recorder once, with the whole list (it picks its own tickets); there is rarely more
  // than one, so a linear look-back beats any set.
  for (size_t i = 0; i < files.size(); ++i) {
    IssuanceRecorder* recorder = files[i].record.recorder;
    if (!recorder) continue;
    bool seen = false;
    for (size_t j = 0; j < i && !seen; ++j) seen = files[j].record.recorder == recorder;
    if (!seen) recorder->before_install(files);
  }
}

}  // namespace kpki
