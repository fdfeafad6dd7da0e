#include "cli/app.h"

int main(int argc, char** argv) { return adrestore::cli::run(argc, argv); }
