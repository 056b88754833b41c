// The summary of a big plan (issue 23): per-node counts, nodes with the same counts on one line,
// and the first problems, instead of one line per file (docs/plan.md "Big trees").
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/kubernetes/plan/plan_output.h"

namespace kpki::kube {

namespace {

struct NodeGroup {
  std::string counts;  // render_plan_counts of each node of the group
  std::vector<std::string> nodes;
};

std::string group_label(const NodeGroup& group) {
  const auto& n = group.nodes;
  if (n.size() == 1) return n.front();
  if (n.size() <= 3) {
    std::string out;
    for (const auto& name : n) out += (out.empty() ? "" : ", ") + name;
    return out;
  }
  // Not "first ... last": the group need not be a range (w7 may be in another group).
  return std::to_string(n.size()) + " nodes (" + n[0] + ", " + n[1] + ", " + n[2] + ", ...)";
}

}  // namespace

std::size_t plan_node_count(const Plan& plan) {
  std::unordered_set<std::string_view> nodes;
  std::string_view last;  // a node's files come together: most are not looked up
  for (const PlannedFile& file : plan.files)
    if (!file.node.empty() && file.node != last) nodes.insert(last = file.node);
  return nodes.size();
}

std::string render_plan_summary(const Plan& plan, bool dry_run, std::size_t max_problems) {
  // Counts per node in the plan's order; "" holds the cluster-wide files.
  // Counted, not copied: a 5,000-node tree's report has 30,000 files.
  std::vector<std::string> order;
  std::unordered_map<std::string, PlanCounts> per_node;
  std::vector<const PlannedFile*> problems;
  std::size_t problem_count = 0;
  for (const PlannedFile& file : plan.files) {
    auto [it, added] = per_node.try_emplace(file.node);
    if (added) order.push_back(file.node);
    it->second.add(file.action);
    if (file.action == PlanAction::Mismatch || file.adopt_key) {
      ++problem_count;
      if (problems.size() < max_problems) problems.push_back(&file);
    }
  }
  std::vector<NodeGroup> groups;
  std::ostringstream out;
  out << render_plan_text(Plan{plan.operation, plan.root, plan.ca_keys, {}}, dry_run);
  for (const std::string& node : order) {
    std::string counts = render_plan_counts(per_node[node]);
    if (node.empty()) {
      out << "cluster-wide files: " << counts << "\n";
      continue;
    }
    bool grouped = false;
    for (NodeGroup& g : groups)
      if (g.counts == counts) {
        g.nodes.push_back(node);
        grouped = true;
        break;
      }
    if (!grouped) groups.push_back({counts, {node}});
  }
  for (const NodeGroup& g : groups)
    out << group_label(g) << ": " << g.counts << (g.nodes.size() > 1 ? " each" : "") << "\n";
  if (problem_count > 0) {
    Plan shown{plan.operation, plan.root, {}, {}};
    for (const PlannedFile* file : problems) shown.files.push_back(*file);
    out << "first " << problems.size() << " of " << problem_count
        << " problem(s) (mismatching files, adopted keys):\n"
        << render_plan_text(shown, dry_run);
  }
  out << "(a summary of " << order.size() - per_node.count("") << " nodes and " << plan.files.size()
      << " files; -o wide lists every file, -o json every file and key)\n";
  return out.str();
}

}  // namespace kpki::kube
