// Reads manifest.json and the .npy arrays of the golden fixtures.
#include "conformance/golden_fixtures.hpp"

#include <fstream>
#include <nlohmann/json.hpp>

#include "tripletcheck/errors.hpp"
#include "tripletcheck/install_layout.hpp"
#include "tripletcheck/npy.hpp"
#include "tripletcheck/text.hpp"

namespace tripletcheck::conformance {
namespace {

double number_or_special(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>();
  const auto s = v.get<std::string>();
  if (const auto special = nonfinite_from_name(s)) return *special;
  throw InvalidArgument("loss_value", s, "expected a number, \"nan\", \"inf\" or \"-inf\"");
}

// What TF computed in: float32 or a half type (TF's float64 is not what ports reproduce).
Precision fixture_precision(const std::string& id, const std::string& dtype) {
  try {
    const Precision p = parse_precision(dtype);
    if (p != Precision::kFloat64) return p;
  } catch (const std::invalid_argument&) {
  }
  throw InvalidArgument("fixture", id,
                        "unknown dtype \"" + dtype + "\" (expected float32, float16 or bfloat16)");
}

GoldenManifest parse_manifest(const nlohmann::json& j) {
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
    const auto dtype = c.at("dtype").get<std::string>();
    g.precision = fixture_precision(g.id, dtype);
    g.loss = number_or_special(c.at("loss_value"));
    g.input_file = c.at(input.precomputed ? "distances" : "embeddings").get<std::string>();
    g.labels_file = c.at("labels").get<std::string>();
    g.gradient_file = c.at("gradient").get<std::string>();
    m.cases.push_back(std::move(g));
  }
  return m;
}

}  // namespace

std::string golden_directory() {
  const std::string& prefix = installed_prefix();
  if (!prefix.empty()) return prefix + "/" + kInstalledDataDir + "/golden";
  return TRIPLETCHECK_SOURCE_DIR "/properties/fixtures/golden";
}

GoldenManifest load_golden_manifest(const std::string& directory) {
  const std::string path = directory + "/manifest.json";
  std::ifstream in(path);
  if (!in) throw InvalidArgument("fixtures", path, "cannot open the manifest");
  // A hand-edited or foreign manifest is bad input, not a bug: its JSON errors become typed.
  try {
    return parse_manifest(nlohmann::json::parse(in));
  } catch (const nlohmann::json::exception& e) {
    throw InvalidArgument("fixtures", path, std::string("malformed manifest: ") + e.what());
  }
}

void load_arrays(const std::string& directory, GoldenCase& c) {
  CaseInput& input = c.input;
  const auto load = [&](const std::string& file, const std::vector<std::int64_t>& shape) {
    NpyArray array = read_npy(directory + "/" + file);
    // The manifest's batch and dim size every view built over these arrays: they must agree.
    const bool column = shape.size() == 1 && array.shape == std::vector<std::int64_t>{shape[0], 1};
    if (array.shape != shape && !column) {
      throw InvalidArgument("fixture", c.id,
                            file + " has shape " + shape_text(array.shape) +
                                " but the manifest implies " + shape_text(shape));
    }
    return array;
  };
  const std::vector<std::int64_t> values_shape = {input.batch,
                                                  input.precomputed ? input.batch : input.dim};
  input.values = load(c.input_file, values_shape).to_double();
  const NpyArray labels = load(c.labels_file, {input.batch});
  if (!labels.is_integer()) {
    throw InvalidArgument("fixture", c.id, c.labels_file + " does not hold integers");
  }
  input.labels = labels.to_int64();
  c.gradient = load(c.gradient_file, values_shape).to_double();
}

bool is_ordinary_category(const std::string& category) {
  return category == "tfa_suite" || category == "doctest" || category == "random" ||
         category == "margins";
}

const GoldenManifest& golden_manifest() {
  static const GoldenManifest m = load_golden_manifest(golden_directory());
  return m;
}

std::optional<GoldenCase> golden_case(const std::string& id) {
  for (GoldenCase c : golden_manifest().cases) {
    if (c.id != id) continue;
    load_arrays(golden_directory(), c);
    return c;
  }
  return std::nullopt;
}

}  // namespace tripletcheck::conformance
