#include "core/config/yaml_documents.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>

#include "core/util/error.h"

namespace kpki::kube {

namespace {

// The events themselves do not matter; only how many documents the parser walks through.
class IgnoreEvents : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

}  // namespace

void require_few_yaml_documents(const std::string& text, const std::string& origin,
                                std::size_t max_documents) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  IgnoreEvents events;
  std::size_t documents = 0;
  while (parser.HandleNextDocument(events)) {
    if (++documents > max_documents) {
      throw Error(ErrorCode::InvalidInput,
                  origin + ": more than " + std::to_string(max_documents) +
                      " YAML documents (or a stream the YAML parser cannot end)");
    }
  }
}

}  // namespace kpki::kube
