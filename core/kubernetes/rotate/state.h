#pragma once
// Where a CA rotation stands (`kpki ca rotate`, docs/ca-lifecycle.md): OUT/rotation/<ca>.json
// records the last phase completed, the phase under way, the old and new key URIs (as the config
// gives them: PINs come from pin-source files and are never stored) and both CA certificates.
// Its files live beside it in OUT/rotation/<ca>/<n>/. The state only advances once every file of
// a phase is written, so a phase killed at any moment is finished by running it again.
#include <optional>
#include <string>

namespace kpki::kube {

enum class RotationPhase { None, Begin, Reissue, Finish };

// "none", "begin", "reissue", "finish".
const char* rotation_phase_name(RotationPhase phase);
// Throws InvalidInput for anything but begin, reissue, finish.
RotationPhase parse_rotation_phase(const std::string& text);

struct RotationState {
  std::string ca;  // "ca", "etcd-ca", "front-proxy-ca"
  int number = 1;  // the CA's n-th rotation: names its directory and token label
  RotationPhase done = RotationPhase::None;     // last phase completed
  RotationPhase running = RotationPhase::None;  // a phase started and not completed
  std::string old_key_uri;
  std::string new_key_uri;
  std::string old_cert_pem;
  std::string new_cert_pem;  // "" until begin has made it

  // The phase a user runs next: reissue after begin, finish after reissue, begin otherwise.
  RotationPhase next() const;
  // Between begin (started) and finish (completed): trust files may hold both CAs.
  bool in_progress() const;
};

std::string rotation_state_path(const std::string& out_dir, const std::string& ca);
// OUT/rotation/<ca>/<n>: the new key (file keys), the new certificate, the old key kept.
std::string rotation_files_dir(const std::string& out_dir, const RotationState& state);

std::optional<RotationState> load_rotation_state(const std::string& out_dir, const std::string& ca);
// Atomic, 0600. Throws InvalidInput when a key URI carries a pin-value.
void save_rotation_state(const std::string& out_dir, const RotationState& state);

// Throws InvalidInput, with_rotation(ca, next), unless `phase` may run now: the next phase, or the
// last one again (idempotent), or the one under way.
void check_rotation_order(const std::optional<RotationState>& state, const std::string& ca,
                          RotationPhase phase);

// Throws InvalidInput, with_rotation(ca, next), when any CA of OUT is in the middle of a
// rotation: `verb` ("init", "certs renew") would undo or mix its trust files.
void refuse_during_rotation(const std::string& out_dir, const std::string& verb);

// certs renew works on a node directory: the rotation records of the tree it sits in
// (OUT/nodes/<name> -> OUT) are consulted, and a trust file holding more than one certificate
// (a node directory copied out mid-rotation) is refused too.
void refuse_renew_during_rotation(const std::string& node_dir);

}  // namespace kpki::kube
