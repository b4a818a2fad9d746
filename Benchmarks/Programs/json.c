// json: a JSON library in miniature (a DOM of tagged values, a recursive-descent parser with full string
// unescaping, a compact and a pretty serializer with shortest round-trip numbers) run over a generated
// document of user records: build, serialize, parse, query, pretty-print, parse again, compare.
//
// What it stresses: malloc/realloc/free of many small blocks, string handling (memcpy, strlen, strcmp,
// character classification), strtod and snprintf("%.*g") from libc, recursion over nested data, and
// branchy byte-at-a-time scanning.
//
// Usage: json [RECORDS]   (default 800)
// Output: statistics from querying the parsed document, one record pretty-printed, then "checksum XXXXXXXX"
// (FNV-1a of the compact and the pretty text). Exits with status 1 if a round trip changes the document.
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void fail(const char *message) {
    fprintf(stderr, "json: %s\n", message);
    exit(1);
}

static void *allocate(size_t size) {
    void *p = malloc(size);
    if (!p) fail("out of memory");
    return p;
}

static void *resize(void *p, size_t size) {
    p = realloc(p, size);
    if (!p) fail("out of memory");
    return p;
}

// ---- Values ----

typedef enum { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } Kind;

typedef struct Value Value;

typedef struct {
    char *key;
    size_t keyLength;
    Value *value;
} Member;

struct Value {
    Kind kind;
    union {
        double number;
        struct { char *chars; size_t length; } string;
        struct { Value **items; size_t count, capacity; } array;
        struct { Member *members; size_t count, capacity; } object;
    } as;
};

static Value *newValue(Kind kind) {
    Value *v = allocate(sizeof(Value));
    memset(v, 0, sizeof *v);
    v->kind = kind;
    return v;
}

static Value *newNumber(double number) {
    Value *v = newValue(JSON_NUMBER);
    v->as.number = number;
    return v;
}

static Value *newStringLength(const char *chars, size_t length) {
    Value *v = newValue(JSON_STRING);
    v->as.string.chars = allocate(length + 1);
    memcpy(v->as.string.chars, chars, length);
    v->as.string.chars[length] = 0;
    v->as.string.length = length;
    return v;
}

static Value *newString(const char *chars) { return newStringLength(chars, strlen(chars)); }

static void arrayPush(Value *array, Value *item) {
    if (array->as.array.count == array->as.array.capacity) {
        array->as.array.capacity = array->as.array.capacity ? array->as.array.capacity * 2 : 4;
        array->as.array.items = resize(array->as.array.items, sizeof(Value *) * array->as.array.capacity);
    }
    array->as.array.items[array->as.array.count++] = item;
}

static void objectSetLength(Value *object, const char *key, size_t keyLength, Value *value) {
    if (object->as.object.count == object->as.object.capacity) {
        object->as.object.capacity = object->as.object.capacity ? object->as.object.capacity * 2 : 4;
        object->as.object.members = resize(object->as.object.members, sizeof(Member) * object->as.object.capacity);
    }
    Member *m = &object->as.object.members[object->as.object.count++];
    m->key = allocate(keyLength + 1);
    memcpy(m->key, key, keyLength);
    m->key[keyLength] = 0;
    m->keyLength = keyLength;
    m->value = value;
}

static void objectSet(Value *object, const char *key, Value *value) { objectSetLength(object, key, strlen(key), value); }

static Value *objectGet(const Value *object, const char *key) {
    if (!object || object->kind != JSON_OBJECT) return NULL;
    for (size_t i = 0; i < object->as.object.count; i++)
        if (strcmp(object->as.object.members[i].key, key) == 0) return object->as.object.members[i].value;
    return NULL;
}

static void freeValue(Value *v) {
    switch (v->kind) {
    case JSON_STRING: free(v->as.string.chars); break;
    case JSON_ARRAY:
        for (size_t i = 0; i < v->as.array.count; i++) freeValue(v->as.array.items[i]);
        free(v->as.array.items);
        break;
    case JSON_OBJECT:
        for (size_t i = 0; i < v->as.object.count; i++) {
            free(v->as.object.members[i].key);
            freeValue(v->as.object.members[i].value);
        }
        free(v->as.object.members);
        break;
    default: break;
    }
    free(v);
}

// ---- Output text ----

typedef struct {
    char *data;
    size_t size, capacity;
} Buffer;

static void reserve(Buffer *b, size_t extra) {
    if (b->size + extra + 1 <= b->capacity) return;
    while (b->size + extra + 1 > b->capacity) b->capacity = b->capacity ? b->capacity * 2 : 256;
    b->data = resize(b->data, b->capacity);
}

static void putChar(Buffer *b, char c) {
    reserve(b, 1);
    b->data[b->size++] = c;
    b->data[b->size] = 0;
}

static void putBytes(Buffer *b, const char *s, size_t length) {
    reserve(b, length);
    memcpy(b->data + b->size, s, length);
    b->size += length;
    b->data[b->size] = 0;
}

static void putText(Buffer *b, const char *s) { putBytes(b, s, strlen(s)); }

// ---- Serializer ----

// The shortest of %.15g, %.16g and %.17g that reads back as the same double.
static void putNumber(Buffer *b, double number) {
    char text[40];
    if (!isfinite(number)) fail("a number that JSON cannot represent");
    for (int precision = 15; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, number);
        if (strtod(text, NULL) == number) break;
    }
    putText(b, text);
}

static void putString(Buffer *b, const char *s, size_t length) {
    static const char hex[] = "0123456789abcdef";
    putChar(b, '"');
    size_t start = 0;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        putBytes(b, s + start, i - start);
        start = i + 1;
        switch (c) {
        case '"': putText(b, "\\\""); break;
        case '\\': putText(b, "\\\\"); break;
        case '\n': putText(b, "\\n"); break;
        case '\t': putText(b, "\\t"); break;
        case '\r': putText(b, "\\r"); break;
        case '\b': putText(b, "\\b"); break;
        case '\f': putText(b, "\\f"); break;
        default: {
            char escape[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            putText(b, escape);
        }
        }
    }
    putBytes(b, s + start, length - start);
    putChar(b, '"');
}

static void indent(Buffer *b, int depth) {
    reserve(b, (size_t)depth * 2);
    for (int i = 0; i < depth * 2; i++) b->data[b->size++] = ' ';
    b->data[b->size] = 0;
}

// pretty < 0: compact; otherwise the indentation depth.
static void serialize(Buffer *b, const Value *v, int pretty) {
    switch (v->kind) {
    case JSON_NULL: putText(b, "null"); break;
    case JSON_FALSE: putText(b, "false"); break;
    case JSON_TRUE: putText(b, "true"); break;
    case JSON_NUMBER: putNumber(b, v->as.number); break;
    case JSON_STRING: putString(b, v->as.string.chars, v->as.string.length); break;
    case JSON_ARRAY:
        putChar(b, '[');
        for (size_t i = 0; i < v->as.array.count; i++) {
            if (i) putChar(b, ',');
            if (pretty >= 0) { putChar(b, '\n'); indent(b, pretty + 1); }
            serialize(b, v->as.array.items[i], pretty >= 0 ? pretty + 1 : -1);
        }
        if (pretty >= 0 && v->as.array.count) { putChar(b, '\n'); indent(b, pretty); }
        putChar(b, ']');
        break;
    case JSON_OBJECT:
        putChar(b, '{');
        for (size_t i = 0; i < v->as.object.count; i++) {
            const Member *m = &v->as.object.members[i];
            if (i) putChar(b, ',');
            if (pretty >= 0) { putChar(b, '\n'); indent(b, pretty + 1); }
            putString(b, m->key, m->keyLength);
            putText(b, pretty >= 0 ? ": " : ":");
            serialize(b, m->value, pretty >= 0 ? pretty + 1 : -1);
        }
        if (pretty >= 0 && v->as.object.count) { putChar(b, '\n'); indent(b, pretty); }
        putChar(b, '}');
        break;
    }
}

// ---- Parser ----

typedef struct {
    const char *text;
    size_t position, length;
    Buffer scratch;  // unescaped string contents
} Parser;

static _Noreturn void syntaxError(const Parser *p, const char *what) {
    fprintf(stderr, "json: %s at offset %zu\n", what, p->position);
    exit(1);
}

static void skipSpace(Parser *p) {
    while (p->position < p->length) {
        char c = p->text[p->position];
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r') break;
        p->position++;
    }
}

static int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static uint32_t readHex4(Parser *p) {
    if (p->position + 4 > p->length) syntaxError(p, "short \\u escape");
    uint32_t value = 0;
    for (int i = 0; i < 4; i++) {
        int digit = hexDigit(p->text[p->position++]);
        if (digit < 0) syntaxError(p, "bad \\u escape");
        value = value << 4 | (uint32_t)digit;
    }
    return value;
}

static void putUtf8(Buffer *b, uint32_t code) {
    if (code < 0x80) {
        putChar(b, (char)code);
    } else if (code < 0x800) {
        putChar(b, (char)(0xC0 | code >> 6));
        putChar(b, (char)(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        putChar(b, (char)(0xE0 | code >> 12));
        putChar(b, (char)(0x80 | (code >> 6 & 0x3F)));
        putChar(b, (char)(0x80 | (code & 0x3F)));
    } else {
        putChar(b, (char)(0xF0 | code >> 18));
        putChar(b, (char)(0x80 | (code >> 12 & 0x3F)));
        putChar(b, (char)(0x80 | (code >> 6 & 0x3F)));
        putChar(b, (char)(0x80 | (code & 0x3F)));
    }
}

// The contents of a string into p->scratch, unescaped; the opening quote is already consumed.
static void parseStringContents(Parser *p) {
    p->scratch.size = 0;
    for (;;) {
        if (p->position >= p->length) syntaxError(p, "unterminated string");
        size_t start = p->position;
        while (p->position < p->length) {
            unsigned char c = (unsigned char)p->text[p->position];
            if (c == '"' || c == '\\' || c < 0x20) break;
            p->position++;
        }
        putBytes(&p->scratch, p->text + start, p->position - start);
        if (p->position >= p->length) syntaxError(p, "unterminated string");
        char c = p->text[p->position++];
        if (c == '"') return;
        if (c != '\\') syntaxError(p, "control character in string");
        if (p->position >= p->length) syntaxError(p, "unterminated escape");
        char e = p->text[p->position++];
        switch (e) {
        case '"': putChar(&p->scratch, '"'); break;
        case '\\': putChar(&p->scratch, '\\'); break;
        case '/': putChar(&p->scratch, '/'); break;
        case 'b': putChar(&p->scratch, '\b'); break;
        case 'f': putChar(&p->scratch, '\f'); break;
        case 'n': putChar(&p->scratch, '\n'); break;
        case 'r': putChar(&p->scratch, '\r'); break;
        case 't': putChar(&p->scratch, '\t'); break;
        case 'u': {
            uint32_t code = readHex4(p);
            if (code >= 0xD800 && code < 0xDC00) {
                if (p->position + 2 > p->length || p->text[p->position] != '\\' || p->text[p->position + 1] != 'u')
                    syntaxError(p, "lone surrogate");
                p->position += 2;
                uint32_t low = readHex4(p);
                if (low < 0xDC00 || low >= 0xE000) syntaxError(p, "bad surrogate pair");
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            }
            putUtf8(&p->scratch, code);
            break;
        }
        default: syntaxError(p, "unknown escape");
        }
    }
}

static Value *parseValue(Parser *p, int depth);

static Value *parseNumber(Parser *p) {
    size_t start = p->position;
    const char *t = p->text;
    if (t[p->position] == '-') p->position++;
    if (t[p->position] == '0') {
        p->position++;
    } else if (isdigit((unsigned char)t[p->position])) {
        while (isdigit((unsigned char)t[p->position])) p->position++;
    } else {
        syntaxError(p, "bad number");
    }
    if (t[p->position] == '.') {
        p->position++;
        if (!isdigit((unsigned char)t[p->position])) syntaxError(p, "bad fraction");
        while (isdigit((unsigned char)t[p->position])) p->position++;
    }
    if (t[p->position] == 'e' || t[p->position] == 'E') {
        p->position++;
        if (t[p->position] == '+' || t[p->position] == '-') p->position++;
        if (!isdigit((unsigned char)t[p->position])) syntaxError(p, "bad exponent");
        while (isdigit((unsigned char)t[p->position])) p->position++;
    }
    char *end;
    double number = strtod(t + start, &end);
    if ((size_t)(end - t) != p->position) syntaxError(p, "number not read whole");
    return newNumber(number);
}

static int matchWord(Parser *p, const char *word) {
    size_t length = strlen(word);
    if (p->position + length > p->length || memcmp(p->text + p->position, word, length) != 0) return 0;
    p->position += length;
    return 1;
}

static Value *parseValue(Parser *p, int depth) {
    if (depth > 200) syntaxError(p, "nested too deeply");
    skipSpace(p);
    if (p->position >= p->length) syntaxError(p, "unexpected end");
    char c = p->text[p->position];
    switch (c) {
    case '{': {
        p->position++;
        Value *object = newValue(JSON_OBJECT);
        skipSpace(p);
        if (p->text[p->position] == '}') {
            p->position++;
            return object;
        }
        for (;;) {
            skipSpace(p);
            if (p->text[p->position] != '"') syntaxError(p, "expected a key");
            p->position++;
            parseStringContents(p);
            size_t keyLength = p->scratch.size;
            char *key = allocate(keyLength + 1);
            memcpy(key, p->scratch.data, keyLength + 1);
            skipSpace(p);
            if (p->text[p->position] != ':') syntaxError(p, "expected ':'");
            p->position++;
            Value *value = parseValue(p, depth + 1);
            objectSetLength(object, key, keyLength, value);
            free(key);
            skipSpace(p);
            if (p->text[p->position] == ',') { p->position++; continue; }
            if (p->text[p->position] == '}') { p->position++; return object; }
            syntaxError(p, "expected ',' or '}'");
        }
    }
    case '[': {
        p->position++;
        Value *array = newValue(JSON_ARRAY);
        skipSpace(p);
        if (p->text[p->position] == ']') {
            p->position++;
            return array;
        }
        for (;;) {
            arrayPush(array, parseValue(p, depth + 1));
            skipSpace(p);
            if (p->text[p->position] == ',') { p->position++; continue; }
            if (p->text[p->position] == ']') { p->position++; return array; }
            syntaxError(p, "expected ',' or ']'");
        }
    }
    case '"':
        p->position++;
        parseStringContents(p);
        return newStringLength(p->scratch.data ? p->scratch.data : "", p->scratch.size);
    case 't': if (matchWord(p, "true")) return newValue(JSON_TRUE); break;
    case 'f': if (matchWord(p, "false")) return newValue(JSON_FALSE); break;
    case 'n': if (matchWord(p, "null")) return newValue(JSON_NULL); break;
    default:
        if (c == '-' || isdigit((unsigned char)c)) return parseNumber(p);
    }
    syntaxError(p, "unexpected character");
}

static Value *parse(const char *text, size_t length) {
    Parser p = {text, 0, length, {0}};
    Value *v = parseValue(&p, 0);
    skipSpace(&p);
    if (p.position != length) syntaxError(&p, "trailing characters");
    free(p.scratch.data);
    return v;
}

// ---- The generated document ----

static uint64_t seed = 0x9E3779B97F4A7C15ull;

static uint32_t random32(void) {
    // xorshift64*
    seed ^= seed >> 12;
    seed ^= seed << 25;
    seed ^= seed >> 27;
    return (uint32_t)((seed * 0x2545F4914F6CDD1Dull) >> 32);
}

static const char *const firstNames[] = {"Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken",
                                         "Dennis", "Niklaus", "Radia", "Leslie", "Tony", "Margaret", "John", "Jean"};
static const char *const streets[] = {"Main St", "Elm Ave", "Oak Rd", "Pine Ln", "Cedar Ct", "Birch Way"};
static const char *const cities[] = {"Zürich", "Montréal", "São Paulo", "Kraków", "Reykjavík", "Tōkyō", "Oslo", "Lyon"};
static const char *const tagNames[] = {"admin", "beta", "dev", "ops", "sales", "support", "qa", "design", "ml", "infra"};

#define COUNT(array) (sizeof array / sizeof array[0])

static Value *makeRecord(int id) {
    char text[128];
    // One random number per statement: the order in which C evaluates arguments is unspecified.
    Value *r = newValue(JSON_OBJECT);
    objectSet(r, "id", newNumber(id));
    const char *first = firstNames[random32() % COUNT(firstNames)];
    char initial = (char)('A' + random32() % 26);
    unsigned suffix = random32() % 1000;
    snprintf(text, sizeof text, "%s \"%c.\" %s-%u", first, initial, first, suffix);
    objectSet(r, "name", newString(text));
    snprintf(text, sizeof text, "%s.%d@example.org", first, id);
    for (char *c = text; *c; c++) *c = (char)tolower((unsigned char)*c);
    objectSet(r, "email", newString(text));
    objectSet(r, "active", newValue(random32() % 3 ? JSON_TRUE : JSON_FALSE));
    objectSet(r, "score", newNumber((double)(random32() % 100000) / 1000.0));
    objectSet(r, "balance", newNumber(((double)random32() - 2147483648.0) / 3.0));
    Value *tags = newValue(JSON_ARRAY);
    for (int i = (int)(random32() % 5); i >= 0; i--) arrayPush(tags, newString(tagNames[random32() % COUNT(tagNames)]));
    objectSet(r, "tags", tags);
    Value *address = newValue(JSON_OBJECT);
    unsigned number = 1 + random32() % 999;
    snprintf(text, sizeof text, "%u %s", number, streets[random32() % COUNT(streets)]);
    objectSet(address, "street", newString(text));
    objectSet(address, "city", newString(cities[random32() % COUNT(cities)]));
    snprintf(text, sizeof text, "%05u", (unsigned)(random32() % 100000));
    objectSet(address, "zip", newString(text));
    Value *geo = newValue(JSON_ARRAY);
    arrayPush(geo, newNumber((double)(int)(random32() % 180000) / 1000.0 - 90.0));
    arrayPush(geo, newNumber((double)(int)(random32() % 360000) / 1000.0 - 180.0));
    objectSet(address, "geo", geo);
    objectSet(r, "address", address);
    Value *friends = newValue(JSON_ARRAY);
    for (int i = (int)(random32() % 4); i > 0; i--) {
        Value *f = newValue(JSON_OBJECT);
        objectSet(f, "id", newNumber(random32() % 100000));
        objectSet(f, "name", newString(firstNames[random32() % COUNT(firstNames)]));
        arrayPush(friends, f);
    }
    objectSet(r, "friends", friends);
    // Text that needs escaping: a newline, a tab, a control character, a backslash and an emoji.
    snprintf(text, sizeof text, "line one\nline\ttwo \\ %c end \xF0\x9F\x98\x80 #%d", 1 + (int)(random32() % 30), id);
    objectSet(r, "notes", random32() % 4 ? newString(text) : newValue(JSON_NULL));
    return r;
}

// ---- Queries over the parsed document ----

typedef struct {
    char name[16];
    int count;
} TagCount;

static uint32_t fnv(uint32_t hash, const char *data, size_t size) {
    for (size_t i = 0; i < size; i++) hash = (hash ^ (unsigned char)data[i]) * 16777619u;
    return hash;
}

int main(int argc, char **argv) {
    int records = argc > 1 ? atoi(argv[1]) : 800;
    if (records < 1 || records > 10000000) {
        fprintf(stderr, "usage: json [RECORDS]  (1 to 10000000)\n");
        return 2;
    }
    Value *document = newValue(JSON_OBJECT);
    objectSet(document, "version", newNumber(3));
    objectSet(document, "generator", newString("wasix-swift benchmark \\ \"json\" \xE2\x9C\x93"));
    Value *users = newValue(JSON_ARRAY);
    for (int i = 0; i < records; i++) arrayPush(users, makeRecord(i));
    objectSet(document, "users", users);

    Buffer compact = {0};
    serialize(&compact, document, -1);
    freeValue(document);

    Value *parsed = parse(compact.data, compact.size);
    Value *parsedUsers = objectGet(parsed, "users");
    if (!parsedUsers || parsedUsers->kind != JSON_ARRAY || parsedUsers->as.array.count != (size_t)records)
        fail("users lost in the round trip");
    double totalScore = 0, maxBalance = -INFINITY;
    int active = 0, friendCount = 0, withNotes = 0, maxBalanceId = -1;
    TagCount tags[COUNT(tagNames)];
    size_t tagKinds = 0;
    size_t cityBytes = 0;
    for (size_t i = 0; i < parsedUsers->as.array.count; i++) {
        const Value *u = parsedUsers->as.array.items[i];
        totalScore += objectGet(u, "score")->as.number;
        if (objectGet(u, "active")->kind == JSON_TRUE) active++;
        double balance = objectGet(u, "balance")->as.number;
        if (balance > maxBalance) {
            maxBalance = balance;
            maxBalanceId = (int)objectGet(u, "id")->as.number;
        }
        friendCount += (int)objectGet(u, "friends")->as.array.count;
        const Value *notes = objectGet(u, "notes");
        if (notes->kind == JSON_STRING && strchr(notes->as.string.chars, '\n')) withNotes++;
        cityBytes += objectGet(objectGet(u, "address"), "city")->as.string.length;
        const Value *userTags = objectGet(u, "tags");
        for (size_t t = 0; t < userTags->as.array.count; t++) {
            const char *name = userTags->as.array.items[t]->as.string.chars;
            size_t k = 0;
            while (k < tagKinds && strcmp(tags[k].name, name) != 0) k++;
            if (k == tagKinds) {
                snprintf(tags[k].name, sizeof tags[k].name, "%s", name);
                tags[k].count = 0;
                tagKinds++;
            }
            tags[k].count++;
        }
    }

    Buffer pretty = {0};
    serialize(&pretty, parsed, 0);
    Value *again = parse(pretty.data, pretty.size);
    Buffer compactAgain = {0};
    serialize(&compactAgain, again, -1);
    if (compactAgain.size != compact.size || memcmp(compactAgain.data, compact.data, compact.size) != 0)
        fail("compact -> parse -> pretty -> parse -> compact changed the text");

    printf("records %d, compact %zu bytes, pretty %zu bytes\n", records, compact.size, pretty.size);
    printf("active %d, friends %d, notes with newlines %d, city bytes %zu\n", active, friendCount, withNotes, cityBytes);
    printf("total score %.3f, max balance %.6f (id %d)\n", totalScore, maxBalance, maxBalanceId);
    for (size_t k = 0; k < tagKinds; k++) printf("tag %-8s %d\n", tags[k].name, tags[k].count);
    Buffer first = {0};
    serialize(&first, parsedUsers->as.array.items[0], 0);
    printf("%s\n", first.data);

    uint32_t hash = fnv(2166136261u, compact.data, compact.size);
    hash = fnv(hash, pretty.data, pretty.size);
    free(first.data);
    free(compactAgain.data);
    free(pretty.data);
    free(compact.data);
    freeValue(again);
    freeValue(parsed);
    printf("checksum %08x\n", (unsigned)hash);
    return 0;
}
