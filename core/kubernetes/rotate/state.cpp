#include "core/kubernetes/rotate/state.h"

#include <nlohmann/json.hpp>

#include <filesystem>

#include "core/fs/file_io.h"
#include "core/kubernetes/model/cert_specs.h"
#include "core/kubernetes/tree/ca_chain.h"
#include "core/util/error.h"
#include "core/util/key_uri_display.h"

namespace kpki::kube {

namespace {

const RotationPhase kPhases[] = {RotationPhase::None, RotationPhase::Begin, RotationPhase::Reissue,
                                 RotationPhase::Finish};

RotationPhase phase_from(const nlohmann::json& j, const char* field, const std::string& origin) {
  std::string text = j.value(field, "none");
  for (RotationPhase p : kPhases) {
    if (text == rotation_phase_name(p)) return p;
  }
  throw Error(ErrorCode::InvalidInput, origin + ": " + field + ": unknown phase '" + text + "'");
}

}  // namespace

const char* rotation_phase_name(RotationPhase phase) {
  switch (phase) {
    case RotationPhase::None:
      return "none";
    case RotationPhase::Begin:
      return "begin";
    case RotationPhase::Reissue:
      return "reissue";
    case RotationPhase::Finish:
      return "finish";
  }
  return "?";
}

RotationPhase parse_rotation_phase(const std::string& text) {
  for (RotationPhase p : kPhases) {
    if (p != RotationPhase::None && text == rotation_phase_name(p)) return p;
  }
  throw Error(ErrorCode::InvalidInput,
              "--phase: '" + text + "' is not a phase (expected begin, reissue, finish)");
}

RotationPhase RotationState::next() const {
  if (running != RotationPhase::None) return running;
  if (done == RotationPhase::Begin) return RotationPhase::Reissue;
  if (done == RotationPhase::Reissue) return RotationPhase::Finish;
  return RotationPhase::Begin;
}

bool RotationState::in_progress() const {
  return running != RotationPhase::None || done == RotationPhase::Begin ||
         done == RotationPhase::Reissue;
}

std::string rotation_state_path(const std::string& out_dir, const std::string& ca) {
  return out_dir + "/rotation/" + ca + ".json";
}

std::string rotation_files_dir(const std::string& out_dir, const RotationState& state) {
  return out_dir + "/rotation/" + state.ca + "/" + std::to_string(state.number);
}

std::optional<RotationState> load_rotation_state(const std::string& out_dir,
                                                 const std::string& ca) {
  std::string path = rotation_state_path(out_dir, ca);
  if (!file_exists(path)) return std::nullopt;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text_file(path));
    RotationState s;
    s.ca = j.at("ca").get<std::string>();
    if (s.ca != ca) throw Error(ErrorCode::InvalidInput, "'" + path + "': ca is '" + s.ca + "'");
    s.number = j.at("rotation").get<int>();
    s.done = phase_from(j, "done", "'" + path + "'");
    s.running = phase_from(j, "running", "'" + path + "'");
    s.old_key_uri = j.at("oldKeyUri").get<std::string>();
    s.new_key_uri = j.at("newKeyUri").get<std::string>();
    s.old_cert_pem = j.at("oldCertificate").get<std::string>();
    s.new_cert_pem = j.value("newCertificate", "");
    return s;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::InvalidInput, "'" + path + "': not a rotation record", e.what());
  }
}

void save_rotation_state(const std::string& out_dir, const RotationState& state) {
  for (const std::string* uri : {&state.old_key_uri, &state.new_key_uri}) {
    if (redact_key_uri(*uri) != *uri)
      throw Error(ErrorCode::InvalidInput,
                  "caKeys." + state.ca + " '" + redact_key_uri(*uri) +
                      "' carries a pin-value, which a rotation record would store: use pin-source");
  }
  nlohmann::json j = {{"ca", state.ca},
                      {"rotation", state.number},
                      {"done", rotation_phase_name(state.done)},
                      {"running", rotation_phase_name(state.running)},
                      {"next", rotation_phase_name(state.next())},
                      {"oldKeyUri", state.old_key_uri},
                      {"newKeyUri", state.new_key_uri},
                      {"oldCertificate", state.old_cert_pem},
                      {"newCertificate", state.new_cert_pem}};
  std::string path = rotation_state_path(out_dir, state.ca);
  make_directories(out_dir + "/rotation", 0700);
  write_file_atomic(path, j.dump(2) + "\n", 0600, Overwrite::Yes);
}

void check_rotation_order(const std::optional<RotationState>& state, const std::string& ca,
                          RotationPhase phase) {
  RotationPhase next = state ? state->next() : RotationPhase::Begin;
  RotationPhase last = state ? state->done : RotationPhase::None;
  if (phase == next || (phase == last && state->running == RotationPhase::None)) return;
  std::string why = state ? std::string("its last completed phase is ") + rotation_phase_name(last)
                          : std::string("no rotation has begun");
  throw Error(ErrorCode::InvalidInput,
              "cannot run phase " + std::string(rotation_phase_name(phase)) + " of the " + ca +
                  " rotation: " + why + "; the next phase is " + rotation_phase_name(next))
      .with_rotation(ca, rotation_phase_name(next));
}

void refuse_during_rotation(const std::string& out_dir, const std::string& verb) {
  for (const CaSpec& spec : ca_specs()) {
    std::optional<RotationState> state = load_rotation_state(out_dir, spec.name);
    if (!state || !state->in_progress()) continue;
    const char* next = rotation_phase_name(state->next());
    throw Error(ErrorCode::InvalidInput, verb + " refused: '" +
                                             rotation_state_path(out_dir, spec.name) +
                                             "' records a rotation of " + spec.name +
                                             " under way; its next phase is " + next)
        .with_rotation(spec.name, next);
  }
}

void refuse_renew_during_rotation(const std::string& node_dir) {
  std::filesystem::path out = std::filesystem::path(node_dir).lexically_normal();
  if (!out.has_filename()) out = out.parent_path();
  out = out.parent_path().parent_path();
  if (!out.empty() && file_exists(out.string() + "/rotation"))
    refuse_during_rotation(out.string(), "certs renew");
  for (const char* rel : {"pki/ca.crt", "pki/etcd/ca.crt", "pki/front-proxy-ca.crt"}) {
    std::string path = node_dir + "/" + rel;
    if (!file_exists(path)) continue;
    // Certificates beyond the CA's own chain (ca_chain.h: an intermediate, then its root) are a
    // rotation bundle: old + new.
    std::vector<Certificate> bundle;
    try {
      bundle = Certificate::load_bundle(path);
    } catch (const Error&) {
      continue;  // an unreadable CA file is reported where renew reads it
    }
    size_t count = bundle.size();
    if (count > 1 && chain_above(bundle.front(), bundle).size() == count - 1) continue;
    if (count > 1)
      throw Error(ErrorCode::InvalidInput, "certs renew refused: '" + path + "' holds " +
                                               std::to_string(count) +
                                               " CA certificates: a CA rotation is under way");
  }
}

}  // namespace kpki::kube
