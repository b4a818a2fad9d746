// A trap: __builtin_trap() is the wasm `unreachable` instruction.
#include <stdio.h>

int main(void) {
    printf("about to trap\n");
    fflush(stdout);
    __builtin_trap();
}
