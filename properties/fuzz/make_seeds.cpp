// fuzz_seeds DIR: writes the seed corpora of seeds.hpp to DIR/npy and DIR/eval (ci/fuzz.sh).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "properties/fuzz/seeds.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_seeds DIR\n";
    return 2;
  }
  const std::filesystem::path root = argv[1];
  for (const auto& [target, seeds] : {std::pair{"npy", tripletcheck::fuzz::npy_seeds()},
                                      std::pair{"eval", tripletcheck::fuzz::eval_seeds()}}) {
    std::filesystem::create_directories(root / target);
    for (const auto& seed : seeds) {
      std::ofstream(root / target / seed.name, std::ios::binary) << seed.bytes;
    }
    std::cout << seeds.size() << " " << target << " seeds in " << (root / target).string() << '\n';
  }
  return 0;
}
