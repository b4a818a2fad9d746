// compress: a DEFLATE-style compressor and decompressor (LZ77 with hash chains and lazy matching, then
// canonical Huffman codes per block), round-tripping generated English-like text at two effort levels.
//
// What it stresses: byte loads and stores, table lookups, hash chains (dependent loads through u16/u32
// arrays), bit packing with shifts and masks, short data-dependent loops (match extension), a binary heap,
// memcmp/memcpy/memset, and malloc'd buffers of a few megabytes.
//
// Usage: compress [KILOBYTES]   (default 320 KB of text)
// Output: sizes and ratios per level, then "checksum XXXXXXXX" (CRC-32 of every compressed stream and of the
// text). The program exits with status 1 if a round trip does not give back the text.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- Input: text from a word list, with a little structure (sentences, paragraphs, numbers). ----

static uint32_t rngState = 12345;

static uint32_t rng(void) {
    // A 32-bit LCG; the high bits are the good ones.
    rngState = rngState * 1103515245u + 12345u;
    return rngState >> 8;
}

static const char *const words[] = {
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on",
    "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you",
    "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will",
    "would", "who", "so", "no", "interpreter", "memory", "module", "function", "instruction", "stack", "value",
    "compiler", "branch", "table", "import", "export", "global", "section", "runtime", "process", "thread",
    "signal", "descriptor", "directory", "benchmark", "measurement", "variance", "machine", "register",
};
enum { WORD_COUNT = sizeof words / sizeof words[0] };

static size_t generateText(unsigned char *out, size_t size) {
    size_t n = 0;
    int wordsInSentence = 0, sentencesInParagraph = 0, capitalize = 1;
    while (n + 32 < size) {
        // Zipf-like choice: small indices are much more likely.
        uint32_t r = rng() % 1000;
        int index = (int)((r * r / 1000) * WORD_COUNT / 1000);
        const char *word = words[index];
        size_t length = strlen(word);
        memcpy(out + n, word, length);
        if (capitalize && out[n] >= 'a' && out[n] <= 'z') out[n] -= 32;
        capitalize = 0;
        n += length;
        if (rng() % 23 == 0) n += (size_t)sprintf((char *)out + n, " %u", (unsigned)(rng() % 10000));
        if (++wordsInSentence > 5 && rng() % 7 == 0) {
            out[n++] = rng() % 5 == 0 ? '?' : '.';
            wordsInSentence = 0;
            capitalize = 1;
            if (++sentencesInParagraph > 3 && rng() % 4 == 0) {
                out[n++] = '\n';
                out[n++] = '\n';
                sentencesInParagraph = 0;
                continue;
            }
        } else if (rng() % 11 == 0) {
            out[n++] = ',';
        }
        out[n++] = ' ';
    }
    return n;
}

// ---- CRC-32 ----

static uint32_t crcTable[256];

static void crcInit(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crcTable[i] = c;
    }
}

static uint32_t crc32(uint32_t crc, const unsigned char *data, size_t size) {
    crc = ~crc;
    for (size_t i = 0; i < size; i++) crc = crcTable[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

// ---- DEFLATE's length and distance codes ----

enum { LITLEN_SYMBOLS = 286, DIST_SYMBOLS = 30, MAX_BITS = 15, END_OF_BLOCK = 256 };
static const uint16_t lengthBase[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t lengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t distBase[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t distExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static int lengthCode(int length) {
    int code = 0;
    while (code < 28 && lengthBase[code + 1] <= length) code++;
    return code;
}

static int distCode(int distance) {
    // Binary search: the table is sorted.
    int low = 0, high = 29;
    while (low < high) {
        int middle = (low + high + 1) / 2;
        if (distBase[middle] <= distance) low = middle; else high = middle - 1;
    }
    return low;
}

// ---- Bit output and input ----

typedef struct {
    unsigned char *data;
    size_t size, capacity;
    uint64_t bits;
    int count;
} BitWriter;

static void putBits(BitWriter *w, uint32_t value, int count) {
    w->bits |= (uint64_t)value << w->count;
    w->count += count;
    while (w->count >= 8) {
        if (w->size == w->capacity) {
            w->capacity = w->capacity * 2 + 1024;
            w->data = realloc(w->data, w->capacity);
            if (!w->data) { perror("realloc"); exit(1); }
        }
        w->data[w->size++] = (unsigned char)w->bits;
        w->bits >>= 8;
        w->count -= 8;
    }
}

static void flushBits(BitWriter *w) {
    if (w->count > 0) putBits(w, 0, 8 - w->count);
}

typedef struct {
    const unsigned char *data;
    size_t size, position;
    uint64_t bits;
    int count;
} BitReader;

static void refill(BitReader *r) {
    while (r->count <= 56) {
        uint64_t byte = r->position < r->size ? r->data[r->position] : 0;
        r->position++;
        r->bits |= byte << r->count;
        r->count += 8;
    }
}

static uint32_t getBits(BitReader *r, int count) {
    if (r->count < count) refill(r);
    uint32_t value = (uint32_t)(r->bits & ((1u << count) - 1));
    r->bits >>= count;
    r->count -= count;
    return value;
}

// ---- Huffman codes ----

typedef struct {
    uint32_t frequency;
    int symbol;  // leaf: symbol; internal: -1
    int left, right;
} Node;

typedef struct {
    Node *nodes;
    int *heap;
    int heapSize;
} Builder;

static int lighter(const Builder *b, int x, int y) {
    const Node *p = &b->nodes[x], *q = &b->nodes[y];
    return p->frequency < q->frequency || (p->frequency == q->frequency && x < y);
}

static void heapPush(Builder *b, int node) {
    int i = b->heapSize++;
    b->heap[i] = node;
    while (i > 0 && lighter(b, b->heap[i], b->heap[(i - 1) / 2])) {
        int parent = (i - 1) / 2, t = b->heap[i];
        b->heap[i] = b->heap[parent];
        b->heap[parent] = t;
        i = parent;
    }
}

static int heapPop(Builder *b) {
    int top = b->heap[0];
    b->heap[0] = b->heap[--b->heapSize];
    int i = 0;
    for (;;) {
        int left = 2 * i + 1, right = left + 1, smallest = i;
        if (left < b->heapSize && lighter(b, b->heap[left], b->heap[smallest])) smallest = left;
        if (right < b->heapSize && lighter(b, b->heap[right], b->heap[smallest])) smallest = right;
        if (smallest == i) break;
        int t = b->heap[i];
        b->heap[i] = b->heap[smallest];
        b->heap[smallest] = t;
        i = smallest;
    }
    return top;
}

static void assignDepths(const Node *nodes, int node, int depth, uint8_t *lengths) {
    if (nodes[node].symbol >= 0) {
        lengths[nodes[node].symbol] = (uint8_t)(depth ? depth : 1);
        return;
    }
    assignDepths(nodes, nodes[node].left, depth + 1, lengths);
    assignDepths(nodes, nodes[node].right, depth + 1, lengths);
}

// Code lengths for `frequencies`, at most MAX_BITS long: if the tree is too deep, the frequencies are
// flattened and the tree built again (as some real encoders do, rather than package-merge).
static void buildLengths(const uint32_t *frequencies, int symbols, uint8_t *lengths) {
    Node *nodes = malloc(sizeof(Node) * (size_t)(2 * symbols));
    int *heap = malloc(sizeof(int) * (size_t)(2 * symbols));
    uint32_t *adjusted = malloc(sizeof(uint32_t) * (size_t)symbols);
    memcpy(adjusted, frequencies, sizeof(uint32_t) * (size_t)symbols);
    for (;;) {
        Builder b = {nodes, heap, 0};
        int count = 0;
        memset(lengths, 0, (size_t)symbols);
        for (int s = 0; s < symbols; s++) {
            if (!adjusted[s]) continue;
            nodes[count] = (Node){adjusted[s], s, -1, -1};
            heapPush(&b, count++);
        }
        if (count == 0) break;
        while (b.heapSize > 1) {
            int x = heapPop(&b), y = heapPop(&b);
            nodes[count] = (Node){nodes[x].frequency + nodes[y].frequency, -1, x, y};
            heapPush(&b, count++);
        }
        assignDepths(nodes, heapPop(&b), 0, lengths);
        int longest = 0;
        for (int s = 0; s < symbols; s++) if (lengths[s] > longest) longest = lengths[s];
        if (longest <= MAX_BITS) break;
        for (int s = 0; s < symbols; s++) if (adjusted[s]) adjusted[s] = adjusted[s] / 2 + 1;
    }
    free(adjusted);
    free(heap);
    free(nodes);
}

static uint32_t reverseBits(uint32_t code, int length) {
    uint32_t result = 0;
    for (int i = 0; i < length; i++) {
        result = (result << 1) | (code & 1);
        code >>= 1;
    }
    return result;
}

// Canonical codes from lengths, bit-reversed because the bit stream is least significant bit first.
static void buildCodes(const uint8_t *lengths, int symbols, uint16_t *codes) {
    int counts[MAX_BITS + 1] = {0};
    uint32_t next[MAX_BITS + 2] = {0};
    for (int s = 0; s < symbols; s++) counts[lengths[s]]++;
    counts[0] = 0;
    uint32_t code = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) {
        code = (code + (uint32_t)counts[bits - 1]) << 1;
        next[bits] = code;
    }
    for (int s = 0; s < symbols; s++) {
        if (lengths[s]) codes[s] = (uint16_t)reverseBits(next[lengths[s]]++, lengths[s]);
    }
}

enum { FAST_BITS = 10 };

// A decoding table: codes of up to FAST_BITS bits are looked up at once; longer ones are resolved by walking
// the canonical code one bit at a time (counts and sorted symbols, as in zlib's puff).
typedef struct {
    uint16_t fast[1 << FAST_BITS];  // (length << 9) | symbol; 0 if the code is longer than FAST_BITS
    int counts[MAX_BITS + 1];
    uint16_t sorted[LITLEN_SYMBOLS];
} Decoder;

static void buildDecoder(Decoder *d, const uint8_t *lengths, int symbols) {
    memset(d, 0, sizeof *d);
    uint16_t codes[LITLEN_SYMBOLS];
    buildCodes(lengths, symbols, codes);
    int offsets[MAX_BITS + 2];
    for (int s = 0; s < symbols; s++) d->counts[lengths[s]]++;
    d->counts[0] = 0;
    offsets[1] = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) offsets[bits + 1] = offsets[bits] + d->counts[bits];
    for (int s = 0; s < symbols; s++) {
        int length = lengths[s];
        if (!length) continue;
        d->sorted[offsets[length]++] = (uint16_t)s;
        if (length <= FAST_BITS) {
            for (uint32_t fill = codes[s]; fill < (1u << FAST_BITS); fill += 1u << length)
                d->fast[fill] = (uint16_t)((length << 9) | s);
        }
    }
}

static int decodeSymbol(BitReader *r, const Decoder *d) {
    if (r->count < MAX_BITS) refill(r);
    uint16_t entry = d->fast[r->bits & ((1u << FAST_BITS) - 1)];
    if (entry) {
        int length = entry >> 9;
        r->bits >>= length;
        r->count -= length;
        return entry & 0x1FF;
    }
    int code = 0, first = 0, index = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) {
        code |= (int)getBits(r, 1);
        int count = d->counts[bits];
        if (code - count < first) return d->sorted[index + (code - first)];
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return -1;
}

// ---- LZ77 ----

enum { WINDOW = 32768, HASH_BITS = 15, MIN_MATCH = 3, MAX_MATCH = 258, BLOCK = 65536 };

typedef struct {
    uint16_t length;    // 0 for a literal
    uint16_t distance;  // or the literal byte
} Token;

typedef struct {
    int32_t *head;  // latest position of each hash
    int32_t *prev;  // previous position with the same hash, by position modulo WINDOW
    int maxChain;
    int lazy;
} Matcher;

static uint32_t hash3(const unsigned char *p) {
    return ((uint32_t)p[0] << 10 ^ (uint32_t)p[1] << 5 ^ p[2]) & ((1u << HASH_BITS) - 1);
}

static void insert(Matcher *m, const unsigned char *data, size_t position) {
    uint32_t h = hash3(data + position);
    m->prev[position % WINDOW] = m->head[h];
    m->head[h] = (int32_t)position;
}

static int longestMatch(const Matcher *m, const unsigned char *data, size_t position, size_t end, int *distance) {
    int best = 0;
    int limit = end - position < MAX_MATCH ? (int)(end - position) : MAX_MATCH;
    if (limit < MIN_MATCH) return 0;
    int32_t candidate = m->head[hash3(data + position)];
    for (int chain = m->maxChain; candidate >= 0 && chain > 0; chain--) {
        size_t back = position - (size_t)candidate;
        if (back > WINDOW - 1 || back == 0) break;
        const unsigned char *a = data + candidate, *b = data + position;
        if (a[best] == b[best] && a[0] == b[0]) {
            int length = 0;
            while (length < limit && a[length] == b[length]) length++;
            if (length > best) {
                best = length;
                *distance = (int)back;
                if (length == limit) break;
            }
        }
        candidate = m->prev[candidate % WINDOW];
    }
    return best >= MIN_MATCH ? best : 0;
}

// Tokens for data[start, end), with the window reaching back before `start`.
static int tokenize(Matcher *m, const unsigned char *data, size_t start, size_t end, Token *tokens) {
    int count = 0;
    size_t position = start;
    while (position < end) {
        int distance = 0;
        int length = end - position >= MIN_MATCH ? longestMatch(m, data, position, end, &distance) : 0;
        if (length && m->lazy && position + 1 < end && length < 32) {
            // Lazy matching: if the next position has a longer match, emit a literal first.
            int nextDistance = 0;
            if (end - position - 1 >= MIN_MATCH) insert(m, data, position);
            int nextLength = end - position - 1 >= MIN_MATCH ? longestMatch(m, data, position + 1, end, &nextDistance) : 0;
            if (nextLength > length) {
                tokens[count++] = (Token){0, data[position]};
                position++;
                length = nextLength;
                distance = nextDistance;
            } else {
                tokens[count++] = (Token){(uint16_t)length, (uint16_t)distance};
                for (size_t i = position + 1; i < position + (size_t)length; i++)
                    if (end - i >= MIN_MATCH) insert(m, data, i);
                position += (size_t)length;
                continue;
            }
        }
        if (length) {
            tokens[count++] = (Token){(uint16_t)length, (uint16_t)distance};
            for (size_t i = position; i < position + (size_t)length; i++)
                if (end - i >= MIN_MATCH) insert(m, data, i);
            position += (size_t)length;
        } else {
            tokens[count++] = (Token){0, data[position]};
            if (end - position >= MIN_MATCH) insert(m, data, position);
            position++;
        }
    }
    return count;
}

// ---- Blocks ----

static void writeBlock(BitWriter *w, const Token *tokens, int count, int last) {
    uint32_t litFrequency[LITLEN_SYMBOLS] = {0}, distFrequency[DIST_SYMBOLS] = {0};
    for (int i = 0; i < count; i++) {
        if (tokens[i].length == 0) {
            litFrequency[tokens[i].distance]++;
        } else {
            litFrequency[257 + lengthCode(tokens[i].length)]++;
            distFrequency[distCode(tokens[i].distance)]++;
        }
    }
    litFrequency[END_OF_BLOCK] = 1;
    uint8_t litLengths[LITLEN_SYMBOLS], distLengths[DIST_SYMBOLS];
    uint16_t litCodes[LITLEN_SYMBOLS], distCodes[DIST_SYMBOLS];
    buildLengths(litFrequency, LITLEN_SYMBOLS, litLengths);
    buildLengths(distFrequency, DIST_SYMBOLS, distLengths);
    buildCodes(litLengths, LITLEN_SYMBOLS, litCodes);
    buildCodes(distLengths, DIST_SYMBOLS, distCodes);
    putBits(w, (uint32_t)last, 1);
    // The code lengths themselves, four bits each (a simpler header than DEFLATE's).
    for (int s = 0; s < LITLEN_SYMBOLS; s++) putBits(w, litLengths[s], 4);
    for (int s = 0; s < DIST_SYMBOLS; s++) putBits(w, distLengths[s], 4);
    for (int i = 0; i < count; i++) {
        const Token *t = &tokens[i];
        if (t->length == 0) {
            putBits(w, litCodes[t->distance], litLengths[t->distance]);
            continue;
        }
        int lc = lengthCode(t->length), dc = distCode(t->distance);
        putBits(w, litCodes[257 + lc], litLengths[257 + lc]);
        putBits(w, (uint32_t)(t->length - lengthBase[lc]), lengthExtra[lc]);
        putBits(w, distCodes[dc], distLengths[dc]);
        putBits(w, (uint32_t)(t->distance - distBase[dc]), distExtra[dc]);
    }
    putBits(w, litCodes[END_OF_BLOCK], litLengths[END_OF_BLOCK]);
}

static BitWriter compress(const unsigned char *data, size_t size, int maxChain, int lazy) {
    Matcher m = {malloc(sizeof(int32_t) << HASH_BITS), malloc(sizeof(int32_t) * WINDOW), maxChain, lazy};
    for (int i = 0; i < 1 << HASH_BITS; i++) m.head[i] = -1;
    for (int i = 0; i < WINDOW; i++) m.prev[i] = -1;
    Token *tokens = malloc(sizeof(Token) * BLOCK);
    BitWriter w = {0};
    putBits(&w, (uint32_t)size, 32);
    for (size_t start = 0; start < size; start += BLOCK) {
        size_t end = start + BLOCK < size ? start + BLOCK : size;
        int count = tokenize(&m, data, start, end, tokens);
        writeBlock(&w, tokens, count, end == size);
    }
    flushBits(&w);
    free(tokens);
    free(m.prev);
    free(m.head);
    return w;
}

static unsigned char *decompress(const unsigned char *data, size_t size, size_t *outSize) {
    BitReader r = {data, size, 0, 0, 0};
    size_t total = getBits(&r, 16);
    total |= (size_t)getBits(&r, 16) << 16;
    unsigned char *out = malloc(total + MAX_MATCH);
    Decoder *literals = malloc(sizeof(Decoder)), *distances = malloc(sizeof(Decoder));
    size_t n = 0;
    int last = 0;
    while (!last) {
        last = (int)getBits(&r, 1);
        uint8_t litLengths[LITLEN_SYMBOLS], distLengths[DIST_SYMBOLS];
        for (int s = 0; s < LITLEN_SYMBOLS; s++) litLengths[s] = (uint8_t)getBits(&r, 4);
        for (int s = 0; s < DIST_SYMBOLS; s++) distLengths[s] = (uint8_t)getBits(&r, 4);
        buildDecoder(literals, litLengths, LITLEN_SYMBOLS);
        buildDecoder(distances, distLengths, DIST_SYMBOLS);
        for (;;) {
            int symbol = decodeSymbol(&r, literals);
            if (symbol < 0 || n > total) { fprintf(stderr, "corrupt stream\n"); exit(1); }
            if (symbol < 256) {
                out[n++] = (unsigned char)symbol;
                continue;
            }
            if (symbol == END_OF_BLOCK) break;
            int lc = symbol - 257;
            int length = lengthBase[lc] + (int)getBits(&r, lengthExtra[lc]);
            int dc = decodeSymbol(&r, distances);
            if (dc < 0) { fprintf(stderr, "corrupt stream\n"); exit(1); }
            size_t distance = distBase[dc] + getBits(&r, distExtra[dc]);
            if (distance > n || n + (size_t)length > total) { fprintf(stderr, "corrupt stream\n"); exit(1); }
            // Overlapping copies are the point of LZ77 (a distance of 1 repeats a byte): byte by byte.
            const unsigned char *from = out + n - distance;
            for (int i = 0; i < length; i++) out[n + (size_t)i] = from[i];
            n += (size_t)length;
        }
    }
    free(distances);
    free(literals);
    *outSize = n;
    return out;
}

int main(int argc, char **argv) {
    long kilobytes = argc > 1 ? atol(argv[1]) : 320;
    if (kilobytes < 1 || kilobytes > 65536) {
        fprintf(stderr, "usage: compress [KILOBYTES]  (1 to 65536)\n");
        return 2;
    }
    crcInit();
    size_t capacity = (size_t)kilobytes * 1024;
    unsigned char *text = malloc(capacity);
    size_t size = generateText(text, capacity);
    uint32_t checksum = crc32(0, text, size);
    printf("text: %zu bytes, crc32 %08x\n", size, (unsigned)checksum);
    printf("sample: %.60s...\n", (const char *)text);
    static const struct { const char *name; int chain, lazy; } levels[] = {{"fast", 4, 0}, {"best", 64, 1}};
    for (int level = 0; level < 2; level++) {
        BitWriter w = compress(text, size, levels[level].chain, levels[level].lazy);
        size_t roundTripSize = 0;
        unsigned char *roundTrip = decompress(w.data, w.size, &roundTripSize);
        if (roundTripSize != size || memcmp(roundTrip, text, size) != 0) {
            fprintf(stderr, "%s: round trip differs\n", levels[level].name);
            return 1;
        }
        uint32_t crc = crc32(0, w.data, w.size);
        printf("%-4s: %zu -> %zu bytes (%.1f%%), crc32 %08x, round trip ok\n", levels[level].name, size, w.size,
               100.0 * (double)w.size / (double)size, (unsigned)crc);
        checksum = crc32(checksum, w.data, w.size);
        free(roundTrip);
        free(w.data);
    }
    free(text);
    printf("checksum %08x\n", (unsigned)checksum);
    return 0;
}
