// regex: a backtracking regular-expression engine (parser to a syntax tree, compiler to a small instruction
// set, matcher with an explicit backtracking stack and capture groups) used like grep and sed over a
// generated web-server access log: field extraction, counting, find-all and search-and-replace.
//
// What it stresses: unpredictable branches, a switch over instructions in a tight loop, byte compares and
// bitmap tests, push/pop on a growable stack, memchr for literal prefixes, and short strings (snprintf,
// memcpy, strtol) for the extracted fields.
//
// Usage: regex [LINES]   (default 2000 log lines)
// Output: per-pattern counts and statistics, then "checksum XXXXXXXX" (FNV-1a over every captured group and
// the rewritten text).
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void fail(const char *message, const char *detail) {
    fprintf(stderr, "regex: %s: %s\n", message, detail);
    exit(1);
}

static void *allocate(size_t size) {
    void *p = malloc(size);
    if (!p) fail("out of memory", "");
    return p;
}

// ---- Syntax tree ----

typedef enum { N_EMPTY, N_CHAR, N_ANY, N_CLASS, N_BOL, N_EOL, N_WORD_BOUNDARY, N_CONCAT, N_ALTERNATE, N_GROUP, N_REPEAT } NodeKind;

typedef struct Node {
    NodeKind kind;
    int value;           // N_CHAR: the byte; N_CLASS: class index; N_GROUP: group number (-1: not capturing)
    int min, max;        // N_REPEAT: bounds, max -1 for unbounded
    int greedy;          // N_REPEAT
    struct Node *left, *right;
} Node;

typedef struct {
    uint32_t bits[8];
} CharClass;

static void classAdd(CharClass *c, int byte) { c->bits[byte >> 5] |= 1u << (byte & 31); }
static int classHas(const CharClass *c, int byte) { return (c->bits[byte >> 5] >> (byte & 31)) & 1; }

typedef struct {
    const char *pattern;
    size_t position;
    CharClass *classes;
    int classCount, classCapacity;
    int groups;
} Parser;

static Node *node(NodeKind kind, Node *left, Node *right) {
    Node *n = allocate(sizeof(Node));
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->left = left;
    n->right = right;
    return n;
}

static void freeNode(Node *n) {
    if (!n) return;
    freeNode(n->left);
    freeNode(n->right);
    free(n);
}

static int newClass(Parser *p) {
    if (p->classCount == p->classCapacity) {
        p->classCapacity = p->classCapacity ? p->classCapacity * 2 : 8;
        p->classes = realloc(p->classes, sizeof(CharClass) * (size_t)p->classCapacity);
        if (!p->classes) fail("out of memory", "");
    }
    memset(&p->classes[p->classCount], 0, sizeof(CharClass));
    return p->classCount++;
}

// \d \w \s and their negations, into `c`; returns 0 if `letter` is none of them.
static int addShorthand(CharClass *c, int letter) {
    int negate = isupper(letter) != 0;  // ctype results are any nonzero value (glibc: 256)
    int lower = tolower(letter);
    if (lower != 'd' && lower != 'w' && lower != 's') return 0;
    for (int b = 0; b < 256; b++) {
        int in = lower == 'd' ? (b >= '0' && b <= '9')
               : lower == 'w' ? (isalnum(b) || b == '_') && b < 128
               : (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v');
        if (in != negate) classAdd(c, b);
    }
    return 1;
}

static int escapedByte(int letter) {
    switch (letter) {
    case 'n': return '\n';
    case 't': return '\t';
    case 'r': return '\r';
    default: return letter;
    }
}

static Node *parseAlternation(Parser *p);

static Node *parseClass(Parser *p) {
    int index = newClass(p);
    CharClass c = {{0}};
    int negate = 0;
    if (p->pattern[p->position] == '^') {
        negate = 1;
        p->position++;
    }
    int first = 1;
    for (;;) {
        int ch = (unsigned char)p->pattern[p->position];
        if (ch == 0) fail("unterminated [", p->pattern);
        if (ch == ']' && !first) {
            p->position++;
            break;
        }
        first = 0;
        p->position++;
        if (ch == '\\') {
            int letter = (unsigned char)p->pattern[p->position++];
            if (addShorthand(&c, letter)) continue;
            ch = escapedByte(letter);
        }
        if (p->pattern[p->position] == '-' && p->pattern[p->position + 1] != ']' && p->pattern[p->position + 1]) {
            int high = (unsigned char)p->pattern[p->position + 1];
            p->position += 2;
            if (high < ch) fail("bad range", p->pattern);
            for (int b = ch; b <= high; b++) classAdd(&c, b);
        } else {
            classAdd(&c, ch);
        }
    }
    if (negate)
        for (int w = 0; w < 8; w++) c.bits[w] = ~c.bits[w];
    p->classes[index] = c;
    Node *n = node(N_CLASS, NULL, NULL);
    n->value = index;
    return n;
}

static Node *parseAtom(Parser *p) {
    int ch = (unsigned char)p->pattern[p->position++];
    Node *n;
    switch (ch) {
    case '(': {
        int group = -1;
        if (p->pattern[p->position] == '?' && p->pattern[p->position + 1] == ':') {
            p->position += 2;
        } else {
            group = ++p->groups;
        }
        n = node(N_GROUP, parseAlternation(p), NULL);
        n->value = group;
        if (p->pattern[p->position++] != ')') fail("missing )", p->pattern);
        return n;
    }
    case '[': return parseClass(p);
    case '.': return node(N_ANY, NULL, NULL);
    case '^': return node(N_BOL, NULL, NULL);
    case '$': return node(N_EOL, NULL, NULL);
    case '\\': {
        int letter = (unsigned char)p->pattern[p->position++];
        if (letter == 0) fail("trailing backslash", p->pattern);
        if (letter == 'b') return node(N_WORD_BOUNDARY, NULL, NULL);
        CharClass c = {{0}};
        if (addShorthand(&c, letter)) {
            n = node(N_CLASS, NULL, NULL);
            n->value = newClass(p);
            p->classes[n->value] = c;
            return n;
        }
        ch = escapedByte(letter);
        break;
    }
    default: break;
    }
    n = node(N_CHAR, NULL, NULL);
    n->value = ch;
    return n;
}

static int parseNumber(Parser *p) {
    if (!isdigit((unsigned char)p->pattern[p->position])) fail("expected a number", p->pattern);
    int value = 0;
    while (isdigit((unsigned char)p->pattern[p->position])) value = value * 10 + (p->pattern[p->position++] - '0');
    return value;
}

static Node *parseRepeat(Parser *p) {
    Node *atom = parseAtom(p);
    for (;;) {
        char c = p->pattern[p->position];
        int min, max;
        if (c == '*') { min = 0; max = -1; }
        else if (c == '+') { min = 1; max = -1; }
        else if (c == '?') { min = 0; max = 1; }
        else if (c == '{') {
            p->position++;
            min = parseNumber(p);
            max = min;
            if (p->pattern[p->position] == ',') {
                p->position++;
                max = p->pattern[p->position] == '}' ? -1 : parseNumber(p);
            }
            if (p->pattern[p->position] != '}') fail("missing }", p->pattern);
            if (max >= 0 && max < min) fail("bad repeat bounds", p->pattern);
            c = '}';
        } else {
            return atom;
        }
        p->position++;
        Node *r = node(N_REPEAT, atom, NULL);
        r->min = min;
        r->max = max;
        r->greedy = 1;
        if (p->pattern[p->position] == '?') {
            r->greedy = 0;
            p->position++;
        }
        atom = r;
    }
}

static Node *parseConcatenation(Parser *p) {
    Node *result = NULL;
    for (;;) {
        char c = p->pattern[p->position];
        if (c == 0 || c == '|' || c == ')') break;
        Node *next = parseRepeat(p);
        result = result ? node(N_CONCAT, result, next) : next;
    }
    return result ? result : node(N_EMPTY, NULL, NULL);
}

static Node *parseAlternation(Parser *p) {
    Node *left = parseConcatenation(p);
    while (p->pattern[p->position] == '|') {
        p->position++;
        left = node(N_ALTERNATE, left, parseConcatenation(p));
    }
    return left;
}

// ---- Instructions ----

typedef enum { I_CHAR, I_ANY, I_CLASS, I_SPLIT, I_JUMP, I_SAVE, I_MATCH, I_BOL, I_EOL, I_WORD_BOUNDARY } Opcode;

typedef struct {
    uint8_t op;
    int x, y;  // I_CHAR: byte; I_CLASS: class; I_SPLIT: preferred and other target; I_JUMP: target; I_SAVE: slot
} Inst;

typedef struct {
    Inst *code;
    int length, capacity;
    CharClass *classes;
    int groups;
    int anchored;        // starts with ^
    int firstByte;       // every match starts with this byte, or -1
    const char *source;
} Regex;

static int emit(Regex *re, Opcode op, int x, int y) {
    if (re->length == re->capacity) {
        re->capacity = re->capacity ? re->capacity * 2 : 32;
        re->code = realloc(re->code, sizeof(Inst) * (size_t)re->capacity);
        if (!re->code) fail("out of memory", "");
    }
    re->code[re->length] = (Inst){(uint8_t)op, x, y};
    return re->length++;
}

static void compileNode(Regex *re, const Node *n) {
    switch (n->kind) {
    case N_EMPTY: break;
    case N_CHAR: emit(re, I_CHAR, n->value, 0); break;
    case N_ANY: emit(re, I_ANY, 0, 0); break;
    case N_CLASS: emit(re, I_CLASS, n->value, 0); break;
    case N_BOL: emit(re, I_BOL, 0, 0); break;
    case N_EOL: emit(re, I_EOL, 0, 0); break;
    case N_WORD_BOUNDARY: emit(re, I_WORD_BOUNDARY, 0, 0); break;
    case N_CONCAT:
        compileNode(re, n->left);
        compileNode(re, n->right);
        break;
    case N_ALTERNATE: {
        int split = emit(re, I_SPLIT, 0, 0);
        re->code[split].x = re->length;
        compileNode(re, n->left);
        int jump = emit(re, I_JUMP, 0, 0);
        re->code[split].y = re->length;
        compileNode(re, n->right);
        re->code[jump].x = re->length;
        break;
    }
    case N_GROUP:
        if (n->value >= 0) emit(re, I_SAVE, 2 * n->value, 0);
        compileNode(re, n->left);
        if (n->value >= 0) emit(re, I_SAVE, 2 * n->value + 1, 0);
        break;
    case N_REPEAT: {
        for (int i = 0; i < n->min; i++) compileNode(re, n->left);
        if (n->max < 0) {
            // loop: split body, out; body; jump loop
            int loop = emit(re, I_SPLIT, 0, 0);
            int body = re->length;
            compileNode(re, n->left);
            emit(re, I_JUMP, loop, 0);
            int out = re->length;
            re->code[loop].x = n->greedy ? body : out;
            re->code[loop].y = n->greedy ? out : body;
        } else {
            // Optional copies: each split skips to the end, so x{2,4} is xx(x(x)?)?.
            int splits[64], count = 0;
            if (n->max - n->min > 64) fail("repeat too large", re->source);
            for (int i = n->min; i < n->max; i++) {
                splits[count++] = emit(re, I_SPLIT, 0, 0);
                re->code[splits[count - 1]].x = re->length;
                compileNode(re, n->left);
            }
            for (int i = 0; i < count; i++) {
                Inst *s = &re->code[splits[i]];
                int body = s->x;
                s->x = n->greedy ? body : re->length;
                s->y = n->greedy ? re->length : body;
            }
        }
        break;
    }
    }
}

static Regex *compile(const char *pattern) {
    Parser p = {pattern, 0, NULL, 0, 0, 0};
    Node *tree = parseAlternation(&p);
    if (p.pattern[p.position]) fail("unbalanced )", pattern);
    Regex *re = allocate(sizeof(Regex));
    memset(re, 0, sizeof *re);
    re->source = pattern;
    re->groups = p.groups;
    emit(re, I_SAVE, 0, 0);
    compileNode(re, tree);
    emit(re, I_SAVE, 1, 0);
    emit(re, I_MATCH, 0, 0);
    re->classes = p.classes;
    freeNode(tree);
    // A literal first byte lets the search skip ahead with memchr.
    int pc = 1;
    while (re->code[pc].op == I_SAVE) pc++;
    re->anchored = re->code[pc].op == I_BOL;
    re->firstByte = re->code[pc].op == I_CHAR ? re->code[pc].x : -1;
    return re;
}

static void freeRegex(Regex *re) {
    free(re->code);
    free(re->classes);
    free(re);
}

// ---- Matching ----

typedef struct {
    int pc;    // -1: restore captures[slot] to position
    int slot;
    const char *position;
} Backtrack;

typedef struct {
    Backtrack *entries;
    size_t count, capacity;
    size_t steps;  // instructions executed, for the statistics
} Stack;

static Stack stack;

static void push(int pc, int slot, const char *position) {
    if (stack.count == stack.capacity) {
        stack.capacity = stack.capacity ? stack.capacity * 2 : 256;
        stack.entries = realloc(stack.entries, sizeof(Backtrack) * stack.capacity);
        if (!stack.entries) fail("out of memory", "");
    }
    stack.entries[stack.count++] = (Backtrack){pc, slot, position};
}

static int isWordByte(int c) { return isalnum(c) || c == '_'; }

// Whether `re` matches at `start` in [begin, end); fills captures (2 per group, group 0 the whole match).
static int matchHere(const Regex *re, const char *begin, const char *end, const char *start, const char **captures) {
    stack.count = 0;
    push(0, 0, start);
    while (stack.count) {
        Backtrack b = stack.entries[--stack.count];
        if (b.pc < 0) {
            captures[b.slot] = b.position;
            continue;
        }
        int pc = b.pc;
        const char *sp = b.position;
        for (;;) {
            const Inst *inst = &re->code[pc];
            stack.steps++;
            switch (inst->op) {
            case I_CHAR:
                if (sp == end || (unsigned char)*sp != inst->x) goto failed;
                sp++;
                pc++;
                continue;
            case I_ANY:
                if (sp == end || *sp == '\n') goto failed;
                sp++;
                pc++;
                continue;
            case I_CLASS:
                if (sp == end || !classHas(&re->classes[inst->x], (unsigned char)*sp)) goto failed;
                sp++;
                pc++;
                continue;
            case I_SPLIT:
                push(inst->y, 0, sp);
                pc = inst->x;
                continue;
            case I_JUMP:
                pc = inst->x;
                continue;
            case I_SAVE:
                push(-1, inst->x, captures[inst->x]);
                captures[inst->x] = sp;
                pc++;
                continue;
            case I_MATCH:
                return 1;
            case I_BOL:
                if (sp != begin && sp[-1] != '\n') goto failed;
                pc++;
                continue;
            case I_EOL:
                if (sp != end && *sp != '\n') goto failed;
                pc++;
                continue;
            case I_WORD_BOUNDARY: {
                int before = sp != begin && isWordByte((unsigned char)sp[-1]);
                int after = sp != end && isWordByte((unsigned char)*sp);
                if (before == after) goto failed;
                pc++;
                continue;
            }
            }
        failed:
            break;
        }
    }
    return 0;
}

// The first match in [from, end), searching forward; `begin` is where the subject starts (for ^ and \b).
static int search(const Regex *re, const char *begin, const char *from, const char *end, const char **captures) {
    for (int i = 0; i < 2 * (re->groups + 1); i++) captures[i] = NULL;
    for (const char *start = from; start <= end; start++) {
        if (re->anchored && start != begin && start[-1] != '\n') {
            // Only the starts of lines can match: skip to the next one.
            start = memchr(start, '\n', (size_t)(end - start));
            if (!start) return 0;
            continue;
        }
        if (re->firstByte >= 0) {
            start = memchr(start, re->firstByte, (size_t)(end - start));
            if (!start) return 0;
        }
        if (matchHere(re, begin, end, start, captures)) return 1;
    }
    return 0;
}

// ---- The log ----

static uint32_t state = 2463534242u;

static uint32_t next(void) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

static const char *const methods[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
static const char *const paths[] = {"/", "/index.html", "/api/v1/items", "/api/v1/users", "/static/app.js",
                                    "/static/style.css", "/login", "/search", "/docs/getting-started"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const agents[] = {
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    "curl/8.5.0",
    "python-requests/2.31.0",
};
static const int statuses[] = {200, 200, 200, 200, 200, 301, 304, 404, 403, 500, 502};

#define COUNT(array) ((int)(sizeof array / sizeof array[0]))

static char *generateLog(int lines, size_t *size) {
    size_t capacity = (size_t)lines * 320 + 1;
    char *log = allocate(capacity);
    size_t n = 0;
    for (int i = 0; i < lines; i++) {
        char query[96] = "";
        if (next() % 3 == 0) {
            int page = (int)(next() % 50);
            const char *sort = next() % 2 ? "asc" : "desc";
            snprintf(query, sizeof query, "?page=%d&sort=%s&q=item%u", page, sort, (unsigned)(next() % 1000));
        }
        // One random number per statement: C leaves the order of evaluation of arguments open.
        char user[48] = "-";
        if (next() % 4 == 0) {
            unsigned id = next() % 500, host = next() % 7;
            const char *domain = next() % 2 ? "com" : "org";
            snprintf(user, sizeof user, "user%u@mail%u.%s", id, host, domain);
        }
        unsigned a = next() % 256, b = next() % 256, c = next() % 256, d = next() % 256;
        unsigned day = 1 + next() % 28, month = next() % 12, hour = next() % 24, minute = next() % 60, second = next() % 60;
        const char *method = methods[next() % COUNT(methods)];
        const char *path = paths[next() % COUNT(paths)];
        int status = statuses[next() % COUNT(statuses)];
        unsigned bytes = next() % 50000;
        const char *agent = agents[next() % COUNT(agents)];
        n += (size_t)snprintf(log + n, capacity - n,
                              "%u.%u.%u.%u - %s [%02u/%s/2024:%02u:%02u:%02u +0000] \"%s %s%s HTTP/1.%d\" %d %u \"%s\"\n",
                              a, b, c, d, user, day, months[month], hour, minute, second, method, path, query,
                              i % 5 ? 1 : 0, status, bytes, agent);
    }
    *size = n;
    return log;
}

// ---- The jobs ----

static uint32_t hash = 2166136261u;

static void hashBytes(const char *data, size_t size) {
    for (size_t i = 0; i < size; i++) hash = (hash ^ (unsigned char)data[i]) * 16777619u;
}

static void hashCapture(const char **captures, int group) {
    if (captures[2 * group]) hashBytes(captures[2 * group], (size_t)(captures[2 * group + 1] - captures[2 * group]));
    hash = (hash ^ 0xFF) * 16777619u;
}

static long captureNumber(const char **captures, int group) {
    char digits[16];
    size_t length = (size_t)(captures[2 * group + 1] - captures[2 * group]);
    if (length >= sizeof digits) length = sizeof digits - 1;
    memcpy(digits, captures[2 * group], length);
    digits[length] = 0;
    return strtol(digits, NULL, 10);
}

int main(int argc, char **argv) {
    int lines = argc > 1 ? atoi(argv[1]) : 2000;
    if (lines < 1 || lines > 1000000) {
        fprintf(stderr, "usage: regex [LINES]  (1 to 1000000)\n");
        return 2;
    }
    size_t size;
    char *log = generateLog(lines, &size);
    const char *end = log + size;
    const char *captures[2 * 16];

    // 1. Per line, anchored field extraction: address, time, request, status.
    Regex *line = compile("^(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+) - (\\S+) \\[(\\d\\d)/(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)/"
                          "(\\d{4}):(\\d\\d):\\d\\d:\\d\\d [+-]\\d{4}\\] \"(GET|POST|PUT|DELETE) ([^ ?\"]+)(\\?[^ \"]*)? "
                          "HTTP/1\\.[01]\" ([1-5]\\d\\d) (\\d+)");
    long octetSum = 0, bytesTotal = 0;
    int hours[24] = {0}, methodsSeen[4] = {0}, errors = 0, matchedLines = 0;
    for (const char *p = log; p < end;) {
        const char *lineEnd = memchr(p, '\n', (size_t)(end - p));
        if (!lineEnd) lineEnd = end;
        if (search(line, p, p, lineEnd, captures)) {
            matchedLines++;
            for (int g = 1; g <= 4; g++) octetSum += captureNumber(captures, g);
            hours[captureNumber(captures, 9)]++;
            const char *method = captures[2 * 10];
            switch (method[0]) {
            case 'G': methodsSeen[0]++; break;
            case 'P': methodsSeen[method[1] == 'O' ? 1 : 2]++; break;
            default: methodsSeen[3]++; break;
            }
            if (captureNumber(captures, 13) >= 400) errors++;
            bytesTotal += captureNumber(captures, 14);
            hashCapture(captures, 7);
            hashCapture(captures, 11);
            hashCapture(captures, 12);
        }
        p = lineEnd + 1;
    }
    printf("lines %d of %d matched; octet sum %ld, bytes %ld, errors %d\n", matchedLines, lines, octetSum, bytesTotal, errors);
    printf("methods GET %d POST %d PUT %d DELETE %d\n", methodsSeen[0], methodsSeen[1], methodsSeen[2], methodsSeen[3]);
    printf("hours");
    for (int h = 0; h < 24; h++) printf(" %d", hours[h]);
    printf("\n");
    freeRegex(line);

    // 2. Find-all over the whole text, unanchored.
    static const char *const findAll[] = {
        "[a-z0-9]+@[a-z0-9]+\\.(com|org|net)",  // e-mail addresses
        "(\\w+)=(\\w+)",                         // query parameters
        "\\((Windows|Macintosh|X11)[^)]*\\)",    // platforms
        "\"(.*?)\"",                             // quoted strings, lazily
        "\\bFirefox/(\\d+)\\.\\d+",               // a browser version
        "\" (4\\d\\d|5\\d\\d) ",                 // error statuses
    };
    for (int i = 0; i < COUNT(findAll); i++) {
        Regex *re = compile(findAll[i]);
        int count = 0;
        size_t matchedBytes = 0;
        for (const char *p = log; p < end && search(re, log, p, end, captures);) {
            count++;
            matchedBytes += (size_t)(captures[1] - captures[0]);
            for (int g = 0; g <= re->groups; g++) hashCapture(captures, g);
            p = captures[1] > captures[0] ? captures[1] : captures[0] + 1;
        }
        printf("%-40s %7d matches, %8zu bytes\n", findAll[i], count, matchedBytes);
        freeRegex(re);
    }

    // 3. Search and replace: every run of digits becomes '#', every address 'a.b.c.d' becomes 'ADDR'.
    Regex *digits = compile("\\d+");
    Regex *address = compile("\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b");
    char *rewritten = allocate(size + 1);
    size_t length = 0;
    for (const char *p = log; p < end;) {
        if (!search(address, log, p, end, captures)) {
            memcpy(rewritten + length, p, (size_t)(end - p));
            length += (size_t)(end - p);
            break;
        }
        memcpy(rewritten + length, p, (size_t)(captures[0] - p));
        length += (size_t)(captures[0] - p);
        memcpy(rewritten + length, "ADDR", 4);
        length += 4;
        p = captures[1];
    }
    char *squeezed = allocate(length + 1);
    size_t squeezedLength = 0;
    const char *text = rewritten, *textEnd = rewritten + length;
    for (const char *p = text; p < textEnd;) {
        if (!search(digits, text, p, textEnd, captures)) {
            memcpy(squeezed + squeezedLength, p, (size_t)(textEnd - p));
            squeezedLength += (size_t)(textEnd - p);
            break;
        }
        memcpy(squeezed + squeezedLength, p, (size_t)(captures[0] - p));
        squeezedLength += (size_t)(captures[0] - p);
        squeezed[squeezedLength++] = '#';
        p = captures[1];
    }
    hashBytes(squeezed, squeezedLength);
    const char *firstNewline = memchr(squeezed, '\n', squeezedLength);
    int firstLength = firstNewline ? (int)(firstNewline - squeezed) : (int)squeezedLength;
    printf("rewritten: %zu -> %zu -> %zu bytes; first line: %.*s\n", size, length, squeezedLength, firstLength, squeezed);
    printf("matcher steps %zu\n", stack.steps);
    freeRegex(digits);
    freeRegex(address);
    free(squeezed);
    free(rewritten);
    free(log);
    free(stack.entries);
    printf("checksum %08x\n", (unsigned)hash);
    return 0;
}
