// `tripletcheck eval`: one loss evaluation of .npy inputs, printed as one JSON object on stdout.
#pragma once

namespace CLI {
class App;
}

namespace tripletcheck::cli {

// Adds the `eval` subcommand to `app`. It runs from CLI11's callback and reports bad input by
// throwing tripletcheck::Error, which main() turns into exit status 2.
void add_eval_command(CLI::App& app);

}  // namespace tripletcheck::cli
