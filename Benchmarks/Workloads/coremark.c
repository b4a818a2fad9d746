// A CoreMark-like mix written for this repository: linked-list search and sort, small matrix work, a
// state machine over text, and CRC-16 of the results.
#include "common.h"
typedef struct Node { struct Node *next; int value; } Node;
static Node nodes[1000];
static short matrix[3][32][32];
static const char *inputs[] = {"5012", "-5.3e7", "+0.5", "abc", "17.25", "0x3F", "-12", "9e+2", "..1", "42"};

static u32 crc16(u32 crc, u32 value) {
    for (int i = 0; i < 16; i++) {
        u32 bit = (crc ^ value) & 1;
        crc >>= 1; value >>= 1;
        if (bit) crc ^= 0xA001;
    }
    return crc & 0xFFFF;
}

static int list_work(int seed) {
    for (int i = 0; i < 1000; i++) { nodes[i].value = (i * 7919 + seed) % 1000; nodes[i].next = i < 999 ? &nodes[i + 1] : 0; }
    // insertion sort of the list by value
    Node *sorted = 0;
    for (Node *n = &nodes[0]; n;) {
        Node *next = n->next, **at = &sorted;
        while (*at && (*at)->value < n->value) at = &(*at)->next;
        n->next = *at; *at = n; n = next;
    }
    int found = 0;
    for (int key = 0; key < 1000; key += 37)
        for (Node *n = sorted; n; n = n->next) if (n->value == key) { found++; break; }
    return found + sorted->value;
}

static int matrix_work(int seed) {
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 32; j++) { matrix[0][i][j] = (i * j + seed) & 0xFF; matrix[1][i][j] = (i - j + seed) & 0x7F; }
    int sum = 0;
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < 32; j++) {
            int acc = 0;
            for (int k = 0; k < 32; k++) acc += matrix[0][i][k] * matrix[1][k][j];
            matrix[2][i][j] = (short)acc;
            sum += acc > 1000 ? 1 : 0;
        }
    return sum;
}

static int state_work(void) {
    int counts[4] = {0};
    for (int s = 0; s < 10; s++) {
        int state = 0; // 0 start, 1 int, 2 float, 3 exponent, 4 invalid
        for (const char *c = inputs[s]; *c; c++) {
            char ch = *c;
            switch (state) {
            case 0: state = (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' ? 1 : ch == '.' ? 2 : 4; break;
            case 1: state = ch >= '0' && ch <= '9' ? 1 : ch == '.' ? 2 : ch == 'e' || ch == 'E' ? 3 : 4; break;
            case 2: state = ch >= '0' && ch <= '9' ? 2 : ch == 'e' || ch == 'E' ? 3 : 4; break;
            case 3: state = (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' ? 3 : 4; break;
            default: break;
            }
        }
        counts[state > 3 ? 3 : state]++;
    }
    return counts[1] * 1000 + counts[2] * 100 + counts[3] * 10 + counts[0];
}

EXPORT("run") u32 run(u32 repeat) {
    u32 crc = 0;
    for (u32 r = 0; r < repeat; r++) {
        crc = crc16(crc, list_work(r));
        crc = crc16(crc, matrix_work(r));
        crc = crc16(crc, state_work());
    }
    return crc;
}
