// Calls through a function-pointer table: call_indirect.
#include "common.h"
typedef u32 (*op)(u32, u32);
static u32 add(u32 a, u32 b) { return a + b; }
static u32 sub(u32 a, u32 b) { return a - b; }
static u32 mix(u32 a, u32 b) { return a ^ (b << 3); }
static u32 mul(u32 a, u32 b) { return a * (b | 1); }
static op volatile table[4] = {add, sub, mix, mul};
EXPORT("run") u32 run(u32 repeat) {
    u32 value = 1;
    for (u32 i = 0; i < repeat; i++) value = table[i & 3](value, i);
    return value;
}
