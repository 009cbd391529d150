// `tripletcheck conform`: the golden fixtures, the counterexample corpus and the differential
// properties over the chosen backends (registered, exec:COMMAND, mutant:NAME), with reports.
// `tripletcheck golden` is its shorthand for `--checks golden`.
#pragma once

namespace CLI {
class App;
}

namespace tripletcheck::cli {

void add_conform_command(CLI::App& app);
void add_golden_command(CLI::App& app);

}  // namespace tripletcheck::cli
