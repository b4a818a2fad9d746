// Recursive Fibonacci: calls and returns.
#include "common.h"
static u32 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
EXPORT("run") u32 run(u32 n) { return fib(n); }
