// N-body simulation: f64 arithmetic and sqrt.
#include "common.h"
#define BODIES 5
static double x[BODIES], y[BODIES], z[BODIES], vx[BODIES], vy[BODIES], vz[BODIES], mass[BODIES];
EXPORT("run") u32 run(u32 steps) {
    for (int i = 0; i < BODIES; i++) {
        x[i] = i * 1.1; y[i] = i * 0.7 - 1; z[i] = i * 0.3; vx[i] = 0.01 * i; vy[i] = -0.02 * i; vz[i] = 0.005;
        mass[i] = 1.0 + i * 0.1;
    }
    const double dt = 0.01;
    for (u32 s = 0; s < steps; s++) {
        for (int i = 0; i < BODIES; i++)
            for (int j = i + 1; j < BODIES; j++) {
                double dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
                double d2 = dx * dx + dy * dy + dz * dz + 0.01;
                double mag = dt / (d2 * __builtin_sqrt(d2));
                vx[i] -= dx * mass[j] * mag; vy[i] -= dy * mass[j] * mag; vz[i] -= dz * mass[j] * mag;
                vx[j] += dx * mass[i] * mag; vy[j] += dy * mass[i] * mag; vz[j] += dz * mass[i] * mag;
            }
        for (int i = 0; i < BODIES; i++) { x[i] += dt * vx[i]; y[i] += dt * vy[i]; z[i] += dt * vz[i]; }
    }
    return (u32)(long long)((x[0] + y[1] + z[2]) * 1000);
}
