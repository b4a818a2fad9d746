// Sieve of Eratosthenes over a byte array, repeated: loads, stores, tight loops.
#include "common.h"
static u8 composite[1 << 20];
EXPORT("run") u32 run(u32 repeat) {
    u32 count = 0;
    for (u32 r = 0; r < repeat; r++) {
        for (u32 i = 0; i < sizeof composite; i++) composite[i] = 0;
        count = 0;
        for (u32 i = 2; i < sizeof composite; i++) {
            if (composite[i]) continue;
            count++;
            for (u32 j = i * 2; j < sizeof composite; j += i) composite[j] = 1;
        }
    }
    return count;
}
