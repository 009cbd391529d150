// `tripletcheck backends`: lists the registered backends with their capabilities and whether
// they can run on this machine, as a table or (--json) as a JSON array.
#include "backends_command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tripletcheck/backend.hpp"
#include "tripletcheck/registry.hpp"

namespace tripletcheck::cli {
namespace {

std::string device_name(Device device) { return device == Device::kCuda ? "cuda" : "cpu"; }

std::string dtypes(const Capabilities& caps) {
  std::string out;
  if (caps.float32) out += "f32";
  if (caps.float64) out += out.empty() ? "f64" : ",f64";
  return out;
}

nlohmann::ordered_json to_json(const Backend& backend) {
  const Capabilities caps = backend.capabilities();
  nlohmann::ordered_json entry;
  entry["name"] = backend.name();
  entry["description"] = backend.description();
  entry["available"] = backend.available();
  entry["unavailable_reason"] = backend.unavailable_reason();
  entry["device"] = device_name(caps.device);
  entry["float32"] = caps.float32;
  entry["float64"] = caps.float64;
  entry["gradients"] = caps.gradients;
  entry["precomputed_distances"] = caps.precomputed_distances;
  entry["tf_exact_ties"] = caps.tf_exact_ties;
  entry["deterministic"] = caps.deterministic;
  entry["thread_count_invariant"] = caps.thread_count_invariant;
  return entry;
}

void print_table(const std::vector<const Backend*>& backends) {
  const auto yes_no = [](bool b) { return std::string(b ? "yes" : "no"); };
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "DEVICE", "DTYPES", "GRAD", "DISTANCES", "TF-TIES", "DETERMINISTIC", "AVAILABLE"}};
  for (const Backend* b : backends) {
    const Capabilities caps = b->capabilities();
    rows.push_back({b->name(), device_name(caps.device), dtypes(caps), yes_no(caps.gradients),
                    yes_no(caps.precomputed_distances), yes_no(caps.tf_exact_ties),
                    !caps.deterministic           ? "no"
                    : caps.thread_count_invariant ? "yes"
                                                  : "per threads",
                    b->available() ? "yes" : "no: " + b->unavailable_reason()});
  }
  std::vector<std::size_t> widths(rows[0].size(), 0);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    std::cout << line << '\n';
  }
  std::cout << '\n';
  for (const Backend* b : backends) std::cout << b->name() << ": " << b->description() << '\n';
}

}  // namespace

void add_backends_command(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "backends", "List the backends compiled in, their capabilities and availability here");
  cmd->add_flag("--json", *json, "Print a JSON array instead of a table");
  cmd->footer(
      "DISTANCES: accepts a precomputed distance matrix (eval --distances). TF-TIES: gradients "
      "at ties follow TF's rules. DETERMINISTIC: same bits on every run and thread count "
      "(\"per threads\": on every run with the same thread count).");
  cmd->callback([json] {
    const auto& backends = registered_backends();
    if (*json) {
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const Backend* b : backends) list.push_back(to_json(*b));
      std::cout << list.dump(2) << '\n';
    } else {
      print_table(backends);
    }
  });
}

}  // namespace tripletcheck::cli
