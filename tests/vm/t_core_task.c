/* The kernel test, built statically for the VM guests (tests/vm/run). */
#include "kernel/t_core_task.c"
