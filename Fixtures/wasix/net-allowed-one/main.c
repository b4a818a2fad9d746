/* The net-denied program with --net-allow for one endpoint: others are refused with EACCES. */
#include "../net-denied/main.c"
