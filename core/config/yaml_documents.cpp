#include "core/config/yaml_documents.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <unordered_map>

#include "core/util/error.h"

namespace kpki::kube {

namespace {

// Builds each document's nodes as yaml-cpp's own (internal) NodeBuilder does, through the
// public Node API: a collection joins its parent when it starts and is filled in place.
class BuildNodes : public YAML::EventHandler {
 public:
  YAML::Node root() const { return root_; }

  void OnDocumentStart(const YAML::Mark&) override {
    root_.reset();
    open_.clear();
    anchors_.clear();
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override {
    add(YAML::Node(YAML::NodeType::Null), anchor);
  }
  void OnAlias(const YAML::Mark&, YAML::anchor_t anchor) override {
    add(anchors_.at(anchor), YAML::NullAnchor);  // the parser refuses an undefined alias
  }
  void OnScalar(const YAML::Mark&, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YAML::Node node(value);
    node.SetTag(tag);
    add(node, anchor);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    start(YAML::NodeType::Sequence, tag, anchor, style);
  }
  void OnSequenceEnd() override { open_.pop_back(); }
  void OnMapStart(const YAML::Mark&, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    start(YAML::NodeType::Map, tag, anchor, style);
  }
  void OnMapEnd() override { open_.pop_back(); }

 private:
  struct Open {
    YAML::Node node;
    YAML::Node key;  // a map's key waiting for its value
    bool has_key = false;
  };

  void start(YAML::NodeType::value type, const std::string& tag, YAML::anchor_t anchor,
             YAML::EmitterStyle::value style) {
    YAML::Node node(type);
    node.SetTag(tag);
    node.SetStyle(style);
    add(node, anchor);
    open_.push_back({node, YAML::Node(), false});
  }

  // Node's operator= writes into the node it refers to: reset() is what rebinds.
  void add(const YAML::Node& node, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor].reset(node);
    if (open_.empty()) {
      root_.reset(node);
      return;
    }
    Open& parent = open_.back();
    if (parent.node.IsSequence()) {
      parent.node.push_back(node);
    } else if (!parent.has_key) {
      parent.key.reset(node);
      parent.has_key = true;
    } else {
      parent.node.force_insert(parent.key, node);
      parent.has_key = false;
    }
  }

  YAML::Node root_;
  std::vector<Open> open_;
  std::unordered_map<YAML::anchor_t, YAML::Node> anchors_;
};

Error too_many_documents(const std::string& origin, std::size_t max_documents) {
  return Error(ErrorCode::InvalidInput,
               origin + ": more than " + std::to_string(max_documents) +
                   " YAML documents (or a stream the YAML parser cannot end)");
}

}  // namespace

std::vector<YAML::Node> load_few_yaml_documents(const std::string& text, const std::string& origin,
                                                std::size_t max_documents) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  std::vector<YAML::Node> documents;
  for (;;) {
    BuildNodes builder;
    if (!parser.HandleNextDocument(builder)) break;
    if (documents.size() == max_documents) throw too_many_documents(origin, max_documents);
    documents.push_back(builder.root());
  }
  return documents;
}

}  // namespace kpki::kube
