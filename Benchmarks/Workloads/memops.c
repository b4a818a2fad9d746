// memcpy and memset heavy: bulk memory instructions (memory.copy, memory.fill).
#include "common.h"
#define SIZE (1 << 20)
static u8 a[SIZE], b[SIZE];
EXPORT("run") u32 run(u32 repeat) {
    u32 check = 0;
    for (u32 r = 0; r < repeat; r++) {
        __builtin_memset(a, (int)r, SIZE);
        for (u32 chunk = 1; chunk <= 4096; chunk *= 2)
            for (u32 offset = 0; offset + chunk <= SIZE; offset += chunk * 8) __builtin_memcpy(b + offset, a + offset, chunk);
        check += b[r % SIZE];
    }
    return check;
}
