// A switch-heavy bytecode interpreter: br_table dispatch.
#include "common.h"
enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, POP, HALT };
// counter = 1000; do { total += counter * 3; counter--; } while (counter);
static const int program[] = {PUSH, 1000, DUP, PUSH, 3, MUL, DEC, DUP, JNZ, 2, POP, HALT};
EXPORT("run") u32 run(u32 repeat) {
    u32 total = 0;
    for (u32 r = 0; r < repeat; r++) {
        int stack[64], sp = 0, pc = 0;
        for (;;) {
            int op = program[pc++];
            switch (op) {
            case PUSH: stack[sp++] = program[pc++]; break;
            case ADD: sp--; stack[sp - 1] += stack[sp]; break;
            case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
            case MUL: sp--; stack[sp - 1] *= stack[sp]; total += stack[sp - 1]; sp--; break;
            case DUP: stack[sp] = stack[sp - 1]; sp++; break;
            case SWAP: { int t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
            case JNZ: { int target = program[pc++]; if (stack[--sp]) pc = target; break; }
            case DEC: stack[sp - 1]--; break;
            case POP: sp--; break;
            case HALT: goto done;
            }
        }
    done:;
    }
    return total;
}
