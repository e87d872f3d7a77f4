// listbench: checks claims about storage designs on this machine, offline.
#include "bench/cli/commands.h"

int main(int argc, char** argv) { return listbench::RunListbench(argc, argv); }
