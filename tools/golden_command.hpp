// `tripletcheck golden`: every available backend against the golden fixtures from the real TFA.
#pragma once

namespace CLI {
class App;
}

namespace tripletcheck::cli {

void add_golden_command(CLI::App& app);

}  // namespace tripletcheck::cli
