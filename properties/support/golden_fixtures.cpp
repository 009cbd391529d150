// Reads manifest.json and the .npy arrays of the golden fixtures.
#include "properties/support/golden_fixtures.hpp"

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "tripletcheck/npy.hpp"

namespace tripletcheck::testing {
namespace {

double number_or_special(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  const auto s = v.get<std::string>();
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  throw std::runtime_error("unexpected loss_value " + s);
}

}  // namespace

std::string golden_directory() { return TRIPLETCHECK_SOURCE_DIR "/properties/fixtures/golden"; }

GoldenManifest load_golden_manifest(const std::string& directory) {
  std::ifstream in(directory + "/manifest.json");
  if (!in) throw std::runtime_error("cannot open " + directory + "/manifest.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  GoldenManifest m;
  m.tensorflow = j.at("tensorflow").get<std::string>();
  m.tensorflow_addons = j.at("tensorflow_addons").get<std::string>();
  for (const auto& c : j.at("cases")) {
    GoldenCase g;
    g.id = c.at("id").get<std::string>();
    g.category = c.at("category").get<std::string>();
    g.description = c.value("description", "");
    CaseInput& input = g.input;
    input.spec.loss = parse_loss(c.at("loss").get<std::string>());
    input.spec.soft = c.at("soft").get<bool>();
    input.spec.margin = c.at("margin").get<double>();
    const auto metric = c.at("metric").get<std::string>();
    input.precomputed = metric == "precomputed";
    if (!input.precomputed) input.spec.metric = parse_metric(metric);
    input.batch = c.at("batch").get<std::int64_t>();
    input.dim = c.at("dim").get<std::int64_t>();
    g.dtype = c.at("dtype").get<std::string>();
    g.loss = number_or_special(c.at("loss_value"));
    g.input_file = c.at(input.precomputed ? "distances" : "embeddings").get<std::string>();
    g.labels_file = c.at("labels").get<std::string>();
    g.gradient_file = c.at("gradient").get<std::string>();
    m.cases.push_back(std::move(g));
  }
  return m;
}

void load_arrays(const std::string& directory, GoldenCase& c) {
  c.input.values = read_npy(directory + "/" + c.input_file).to_double();
  c.input.labels = read_npy(directory + "/" + c.labels_file).to_int64();
  c.gradient = read_npy(directory + "/" + c.gradient_file).to_double();
}

}  // namespace tripletcheck::testing
