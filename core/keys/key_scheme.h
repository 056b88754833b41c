#pragma once
// What core asks of a key URI beyond opening it, answered by the backend that owns its scheme
// (registered with its KeyManager, core/keys/key_registry.h). Core never parses a backend's URI: a
// relative part of a config's URI, the URI of a rotated key, whether the key is a file on disk
// or sits on a token are the descriptor's to say. The defaults describe a scheme that a program
// registered without a descriptor: not a file, not a token, nothing relative in it.
#include <optional>
#include <string>

namespace kpki {

class KeyScheme {
 public:
  // `display_name` names the backend in "kpki was built without <display_name> support".
  explicit KeyScheme(std::string name, std::string display_name = {});
  virtual ~KeyScheme() = default;

  const std::string& name() const { return name_; }
  const std::string& display_name() const { return display_name_; }

  // A URI with no scheme (a bare path such as "out/pki/ca.key") belongs to this scheme.
  virtual bool takes_bare_paths() const { return false; }

  // `uri` with its relative parts (a key file, a PIN file, a module) resolved against `base_dir`,
  // the directory of the config file it was read from.
  virtual std::string resolve_relative(const std::string& uri, const std::string& base_dir) const;

  // The URI of the new key of rotation `number` replacing `old_uri`, whose files go in `dir`;
  // nullopt when this backend cannot name one (core then refuses the rotation).
  virtual std::optional<std::string> rotated_key_uri(const std::string& old_uri, int number,
                                                     const std::string& dir) const;

  // The file holding the private key when the key is a software key file (it is then copied into
  // a tree, shredded on removal, replaced in place by a rotation); nullopt otherwise.
  virtual std::optional<std::string> key_file(const std::string& uri) const;

  // Such a key file is copied to where the key is used (a tree's control-plane nodes, as kubeadm
  // lays them out); false: the key stays in its one file.
  virtual bool copies_key_file() const { return false; }

  // The key sits on a token: it never leaves it, and `ca import` may put keys there.
  virtual bool is_token() const { return false; }

 private:
  std::string name_;
  std::string display_name_;
};

}  // namespace kpki
