// `tripletcheck mutation-check`: every deliberately broken loss (conformance/mutants/) through the
// conform checks; each must be rejected, and the control (no mistake) must pass.
#pragma once

namespace CLI {
class App;
}

namespace tripletcheck::cli {

void add_mutation_command(CLI::App& app);

}  // namespace tripletcheck::cli
