// Floating-point matrix multiply.
#include "common.h"
#define N 128
static double a[N][N], b[N][N], c[N][N];
EXPORT("run") u32 run(u32 repeat) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) { a[i][j] = (i + j) * 0.5; b[i][j] = (i - j) * 0.25; }
    double check = 0;
    for (u32 r = 0; r < repeat; r++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                double sum = 0;
                for (int k = 0; k < N; k++) sum += a[i][k] * b[k][j];
                c[i][j] = sum;
            }
        check += c[r % N][(r * 7) % N];
    }
    return (u32)(long long)check;
}
