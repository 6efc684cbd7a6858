#include "drydock/cli/cli.hpp"

int main(int argc, char** argv) { return drydock::cli::run(argc, argv); }
