#pragma once
// Where a token's user PIN comes from: pin-source file, pin-value, or a prompt without echo on a
// terminal. A token keeps its PinSource (never the PIN itself, except a pin-value, which is
// already in argv) so that a forked child can log in again.
#include <memory>
#include <string>

#include "backends/pkcs11/pkcs11_uri.h"
#include "core/fs/secret.h"

namespace kpki {

class PinSource {
 public:
  // Takes pin-source or pin-value from the URI; neither means "prompt". Warns once per process on
  // stderr when a pin-value is used.
  static PinSource from_uri(const Pkcs11Uri& uri);

  // The PIN, read now (files are re-read each time). `token` names the token in the prompt and in
  // errors. Throws InvalidInput when there is no PIN and no terminal to ask on.
  Secret obtain(const std::string& token) const;

  // False for a prompted PIN: it is wiped after login and cannot be asked for again without a
  // terminal, so a forked child cannot re-login with it.
  bool repeatable() const { return kind_ != Kind::Prompt; }

  // True for a prompt: a person is there to judge whether to spend a last PIN try.
  bool interactive() const { return kind_ == Kind::Prompt; }

 private:
  enum class Kind { File, Value, Prompt };
  Kind kind_ = Kind::Prompt;
  std::string path_;
  std::shared_ptr<const Secret> value_;
};

}  // namespace kpki
