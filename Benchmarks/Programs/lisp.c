// lisp: a small Scheme-like interpreter (reader, tree-walking evaluator with proper tail calls, closures,
// association-list environments, and a precise mark-and-sweep garbage collector) running a fixed program of
// classic Lisp benchmarks: fib, tak, quicksort of lists, n-queens and symbolic differentiation.
//
// What it stresses: pointer chasing through cons cells, a switch on object type and on special forms,
// deep recursion through the C stack (eval calls eval), many small allocations from a free list, and the
// collector's recursive marking and linear sweep. Calls are mostly direct; the branches depend on data.
//
// Usage: lisp [ROUNDS]   (default 5; every round runs the whole suite once, with inputs that depend on the round)
// Output: one line of results per round, then "checksum XXXXXXXX" (FNV-1a over everything printed before it).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { FREE, INT, SYMBOL, CONS, PRIMITIVE, LAMBDA, NIL, TRUE } Type;

typedef enum {
    NOT_SPECIAL, QUOTE, IF, DEFINE, LAMBDA_FORM, LET, BEGIN, COND, AND, OR, SET, ELSE,
} Special;

typedef struct Obj Obj;
typedef Obj *(*Primitive)(Obj *args);

struct Obj {
    uint8_t type;
    uint8_t marked;
    union {
        int64_t integer;
        struct { Obj *car, *cdr; } cons;
        struct { const char *name; Obj *value; Obj *nextInBucket; Special special; } symbol;
        struct { Primitive function; const char *name; } primitive;
        struct { Obj *params, *body, *env; } lambda;
    } as;
};

static Obj nilObject = {NIL, 1, {0}}, trueObject = {TRUE, 1, {0}};
static Obj *const nil = &nilObject;
static Obj *const true_ = &trueObject;

static _Noreturn void fail(const char *message, const char *detail) {
    fprintf(stderr, "lisp: %s%s%s\n", message, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

// ---- Roots: the addresses of every local that holds a heap object across an allocation ----

enum { MAX_ROOTS = 1 << 16 };
static Obj **roots[MAX_ROOTS];
static size_t rootCount;

#define ROOTS_BEGIN size_t savedRootCount_ = rootCount
#define ROOT(variable)                                            \
    do {                                                          \
        if (rootCount == MAX_ROOTS) fail("root stack overflow", NULL); \
        roots[rootCount++] = &(variable);                         \
    } while (0)
#define ROOTS_END (rootCount = savedRootCount_)

// ---- The heap: blocks of cells, a free list threaded through `car` ----

enum { BLOCK_CELLS = 8192 };

typedef struct Block {
    struct Block *next;
    Obj cells[BLOCK_CELLS];
} Block;

static Block *blocks;
static Obj *freeList;
static size_t totalCells, liveCells, collections;

// Symbols are interned: permanent objects outside the collected heap.
enum { BUCKETS = 512 };
static Obj *symbolTable[BUCKETS];

static void addBlock(void) {
    Block *block = malloc(sizeof(Block));
    if (!block) fail("out of memory", NULL);
    block->next = blocks;
    blocks = block;
    for (int i = 0; i < BLOCK_CELLS; i++) {
        block->cells[i].type = FREE;
        block->cells[i].as.cons.car = freeList;
        freeList = &block->cells[i];
    }
    totalCells += BLOCK_CELLS;
}

static void mark(Obj *obj) {
    while (!obj->marked) {
        obj->marked = 1;
        switch (obj->type) {
        case CONS:
            mark(obj->as.cons.car);
            obj = obj->as.cons.cdr;
            break;
        case LAMBDA:
            mark(obj->as.lambda.params);
            mark(obj->as.lambda.body);
            obj = obj->as.lambda.env;
            break;
        default:
            return;
        }
    }
}

static void collect(void) {
    collections++;
    for (size_t i = 0; i < rootCount; i++) mark(*roots[i]);
    for (int b = 0; b < BUCKETS; b++)
        for (Obj *s = symbolTable[b]; s; s = s->as.symbol.nextInBucket)
            if (s->as.symbol.value) mark(s->as.symbol.value);
    freeList = NULL;
    liveCells = 0;
    for (Block *block = blocks; block; block = block->next) {
        for (int i = 0; i < BLOCK_CELLS; i++) {
            Obj *cell = &block->cells[i];
            if (cell->marked) {
                cell->marked = 0;
                liveCells++;
            } else {
                cell->type = FREE;
                cell->as.cons.car = freeList;
                freeList = cell;
            }
        }
    }
    // Keep at least half of the heap free after a collection, so that collections stay rare.
    while (totalCells < 2 * liveCells + BLOCK_CELLS) addBlock();
}

static Obj *allocate(Type type) {
#ifdef GC_STRESS  // -DGC_STRESS collects at every allocation: a test of the rooting
    collect();
#endif
    if (!freeList) collect();
    Obj *obj = freeList;
    freeList = obj->as.cons.car;
    obj->type = (uint8_t)type;
    obj->marked = 0;
    return obj;
}

static Obj *makeInt(int64_t value) {
    Obj *obj = allocate(INT);
    obj->as.integer = value;
    return obj;
}

static Obj *cons(Obj *car, Obj *cdr) {
    ROOTS_BEGIN;
    ROOT(car);
    ROOT(cdr);
    Obj *obj = allocate(CONS);
    obj->as.cons.car = car;
    obj->as.cons.cdr = cdr;
    ROOTS_END;
    return obj;
}

static Obj *makeLambda(Obj *params, Obj *body, Obj *env) {
    ROOTS_BEGIN;
    ROOT(params);
    ROOT(body);
    ROOT(env);
    Obj *obj = allocate(LAMBDA);
    obj->as.lambda.params = params;
    obj->as.lambda.body = body;
    obj->as.lambda.env = env;
    ROOTS_END;
    return obj;
}

static uint32_t hashString(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static Obj *intern(const char *name) {
    uint32_t bucket = hashString(name) % BUCKETS;
    for (Obj *s = symbolTable[bucket]; s; s = s->as.symbol.nextInBucket)
        if (strcmp(s->as.symbol.name, name) == 0) return s;
    Obj *s = calloc(1, sizeof(Obj));
    char *copy = malloc(strlen(name) + 1);
    if (!s || !copy) fail("out of memory", NULL);
    strcpy(copy, name);
    s->type = SYMBOL;
    s->marked = 1;  // never collected
    s->as.symbol.name = copy;
    s->as.symbol.value = NULL;
    s->as.symbol.nextInBucket = symbolTable[bucket];
    symbolTable[bucket] = s;
    return s;
}

static Obj *car(Obj *obj) {
    if (obj->type != CONS) fail("car of a non-pair", NULL);
    return obj->as.cons.car;
}

static Obj *cdr(Obj *obj) {
    if (obj->type != CONS) fail("cdr of a non-pair", NULL);
    return obj->as.cons.cdr;
}

// ---- Reader ----

typedef struct {
    const char *text;
    size_t position;
} Reader;

static int peekNonSpace(Reader *r) {
    for (;;) {
        char c = r->text[r->position];
        if (c == ';') {
            while (r->text[r->position] && r->text[r->position] != '\n') r->position++;
        } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            r->position++;
        } else {
            return c;
        }
    }
}

static Obj *read(Reader *r);

static Obj *readList(Reader *r) {
    ROOTS_BEGIN;
    Obj *head = nil, *tail = nil, *item = nil;
    ROOT(head);
    ROOT(item);
    for (;;) {
        int c = peekNonSpace(r);
        if (c == 0) fail("unexpected end of input", NULL);
        if (c == ')') {
            r->position++;
            break;
        }
        item = read(r);
        Obj *cell = cons(item, nil);
        if (head == nil) head = cell; else tail->as.cons.cdr = cell;
        tail = cell;
    }
    ROOTS_END;
    return head;
}

static Obj *read(Reader *r) {
    int c = peekNonSpace(r);
    if (c == 0) return NULL;
    if (c == '(') {
        r->position++;
        return readList(r);
    }
    if (c == '\'') {
        r->position++;
        ROOTS_BEGIN;
        Obj *quoted = read(r);
        ROOT(quoted);
        Obj *result = cons(intern("quote"), cons(quoted, nil));
        ROOTS_END;
        return result;
    }
    if (c == ')') fail("unexpected )", NULL);
    char token[64];
    size_t length = 0;
    while (r->text[r->position] && !strchr(" \t\r\n()';", r->text[r->position])) {
        if (length == sizeof token - 1) fail("token too long", NULL);
        token[length++] = r->text[r->position++];
    }
    token[length] = 0;
    char *end;
    long long value = strtoll(token, &end, 10);
    if (*end == 0 && (token[0] != '-' || length > 1)) return makeInt(value);
    if (strcmp(token, "#t") == 0) return true_;
    if (strcmp(token, "#f") == 0 || strcmp(token, "nil") == 0) return nil;
    return intern(token);
}

// ---- Printer: into a growable buffer, so that the output can be hashed ----

typedef struct {
    char *data;
    size_t size, capacity;
} Text;

static void append(Text *t, const char *s) {
    size_t length = strlen(s);
    if (t->size + length + 1 > t->capacity) {
        t->capacity = (t->size + length + 1) * 2;
        t->data = realloc(t->data, t->capacity);
        if (!t->data) fail("out of memory", NULL);
    }
    memcpy(t->data + t->size, s, length + 1);
    t->size += length;
}

static void printObj(Text *t, Obj *obj) {
    char number[32];
    switch (obj->type) {
    case INT:
        snprintf(number, sizeof number, "%lld", (long long)obj->as.integer);
        append(t, number);
        break;
    case SYMBOL: append(t, obj->as.symbol.name); break;
    case NIL: append(t, "()"); break;
    case TRUE: append(t, "#t"); break;
    case PRIMITIVE: append(t, "#<primitive "); append(t, obj->as.primitive.name); append(t, ">"); break;
    case LAMBDA: append(t, "#<lambda>"); break;
    case CONS:
        append(t, "(");
        for (;;) {
            printObj(t, obj->as.cons.car);
            obj = obj->as.cons.cdr;
            if (obj->type != CONS) break;
            append(t, " ");
        }
        if (obj != nil) {
            append(t, " . ");
            printObj(t, obj);
        }
        append(t, ")");
        break;
    default: fail("printing a free cell", NULL);
    }
}

static uint32_t outputHash = 2166136261u;

static void emit(const char *s) {
    fputs(s, stdout);
    for (; *s; s++) outputHash = (outputHash ^ (unsigned char)*s) * 16777619u;
}

// ---- Evaluator ----

static Obj *lookupBinding(Obj *symbol, Obj *env) {
    for (; env != nil; env = env->as.cons.cdr)
        for (Obj *frame = env->as.cons.car; frame != nil; frame = frame->as.cons.cdr)
            if (frame->as.cons.car->as.cons.car == symbol) return frame->as.cons.car;
    return NULL;
}

static Obj *lookup(Obj *symbol, Obj *env) {
    Obj *binding = lookupBinding(symbol, env);
    if (binding) return binding->as.cons.cdr;
    if (!symbol->as.symbol.value) fail("unbound variable", symbol->as.symbol.name);
    return symbol->as.symbol.value;
}

static int truthy(Obj *obj) { return obj != nil; }

static Obj *eval(Obj *expr, Obj *env);

static Obj *evalList(Obj *list, Obj *env) {
    ROOTS_BEGIN;
    Obj *head = nil, *tail = nil, *value = nil;
    ROOT(list);
    ROOT(env);
    ROOT(head);
    ROOT(value);
    for (; list != nil; list = cdr(list)) {
        value = eval(list->as.cons.car, env);
        Obj *cell = cons(value, nil);
        if (head == nil) head = cell; else tail->as.cons.cdr = cell;
        tail = cell;
    }
    ROOTS_END;
    return head;
}

// A new environment: the parameters bound to the arguments, in front of `parent`.
static Obj *bind(Obj *params, Obj *args, Obj *parent) {
    ROOTS_BEGIN;
    Obj *frame = nil;
    ROOT(params);
    ROOT(args);
    ROOT(parent);
    ROOT(frame);
    for (; params != nil; params = params->as.cons.cdr, args = args->as.cons.cdr) {
        if (params->type != CONS) {  // (lambda (a . rest) ...) or (lambda args ...)
            frame = cons(cons(params, args), frame);
            args = nil;
            break;
        }
        if (args == nil) fail("too few arguments", NULL);
        frame = cons(cons(params->as.cons.car, args->as.cons.car), frame);
    }
    if (args != nil) fail("too many arguments", NULL);
    Obj *env = cons(frame, parent);
    ROOTS_END;
    return env;
}

static void define(Obj *symbol, Obj *value, Obj *env) {
    if (env == nil) {
        symbol->as.symbol.value = value;
        return;
    }
    ROOTS_BEGIN;
    ROOT(value);
    ROOT(env);
    Obj *binding = cons(symbol, value);
    env->as.cons.car = cons(binding, env->as.cons.car);
    ROOTS_END;
}

static Obj *eval(Obj *expr, Obj *env) {
    ROOTS_BEGIN;
    Obj *function = nil, *args = nil, *result = nil;
    ROOT(expr);
    ROOT(env);
    ROOT(function);
    ROOT(args);
    ROOT(result);
    for (;;) {
        if (expr->type == SYMBOL) {
            result = lookup(expr, env);
            break;
        }
        if (expr->type != CONS) {
            result = expr;
            break;
        }
        Obj *head = expr->as.cons.car;
        Obj *rest = expr->as.cons.cdr;
        Obj *body = NULL;  // a sequence of forms to evaluate, the last in tail position
        if (head->type == SYMBOL && head->as.symbol.special) {
            switch (head->as.symbol.special) {
            case QUOTE:
                result = car(rest);
                goto done;
            case IF: {
                Obj *test = eval(car(rest), env);
                Obj *branches = cdr(rest);
                if (truthy(test)) {
                    expr = car(branches);
                } else if (cdr(branches) != nil) {
                    expr = car(cdr(branches));
                } else {
                    result = nil;
                    goto done;
                }
                continue;
            }
            case DEFINE: {
                Obj *target = car(rest);
                if (target->type == CONS) {  // (define (name params...) body...)
                    result = makeLambda(cdr(target), cdr(rest), env);
                    define(car(target), result, env);
                } else {
                    result = eval(car(cdr(rest)), env);
                    define(target, result, env);
                }
                result = car(rest)->type == CONS ? car(car(rest)) : car(rest);
                goto done;
            }
            case LAMBDA_FORM:
                result = makeLambda(car(rest), cdr(rest), env);
                goto done;
            case LET: {
                // (let ((name value)...) body...): the values are evaluated in the outer environment.
                Obj *frame = nil;
                ROOTS_BEGIN;
                ROOT(frame);
                for (Obj *b = car(rest); b != nil; b = cdr(b)) {
                    result = eval(car(cdr(car(b))), env);
                    frame = cons(cons(car(car(b)), result), frame);
                }
                env = cons(frame, env);
                ROOTS_END;
                body = cdr(rest);
                break;
            }
            case BEGIN:
                body = rest;
                break;
            case COND:
                for (Obj *clause = rest; clause != nil; clause = cdr(clause)) {
                    Obj *test = car(car(clause));
                    if (test->type == SYMBOL && test->as.symbol.special == ELSE) {
                        body = cdr(car(clause));
                        break;
                    }
                    result = eval(test, env);
                    if (truthy(result)) {
                        body = cdr(car(clause));
                        if (body == nil) goto done;
                        break;
                    }
                }
                if (!body) {
                    result = nil;
                    goto done;
                }
                break;
            case AND:
            case OR: {
                int isAnd = head->as.symbol.special == AND;
                result = isAnd ? true_ : nil;
                if (rest == nil) goto done;
                for (; cdr(rest) != nil; rest = cdr(rest)) {
                    result = eval(car(rest), env);
                    if (truthy(result) != isAnd) goto done;
                }
                expr = car(rest);
                continue;
            }
            case SET: {
                Obj *symbol = car(rest);
                result = eval(car(cdr(rest)), env);
                Obj *binding = lookupBinding(symbol, env);
                if (binding) binding->as.cons.cdr = result;
                else if (symbol->as.symbol.value) symbol->as.symbol.value = result;
                else fail("set! of an unbound variable", symbol->as.symbol.name);
                goto done;
            }
            default:
                fail("misplaced keyword", head->as.symbol.name);
            }
        } else {
            function = eval(head, env);
            args = evalList(rest, env);
            if (function->type == PRIMITIVE) {
                result = function->as.primitive.function(args);
                break;
            }
            if (function->type != LAMBDA) fail("not a function", NULL);
            env = bind(function->as.lambda.params, args, function->as.lambda.env);
            body = function->as.lambda.body;
        }
        // Every form of the body but the last for effect; the last replaces this one (a tail call).
        if (body == nil) {
            result = nil;
            break;
        }
        expr = body;  // keeps the body reachable while its forms run
        for (; cdr(body) != nil; body = cdr(body)) eval(car(body), env);
        expr = car(body);
    }
done:
    ROOTS_END;
    return result;
}

// ---- Primitives ----

static int64_t integerArgument(Obj *args, int index) {
    for (int i = 0; i < index; i++) args = cdr(args);
    Obj *value = car(args);
    if (value->type != INT) fail("not an integer", NULL);
    return value->as.integer;
}

static Obj *primAdd(Obj *args) {
    int64_t sum = 0;
    for (; args != nil; args = cdr(args)) sum += integerArgument(args, 0);
    return makeInt(sum);
}

static Obj *primSubtract(Obj *args) {
    int64_t value = integerArgument(args, 0);
    if (cdr(args) == nil) return makeInt(-value);
    for (args = cdr(args); args != nil; args = cdr(args)) value -= integerArgument(args, 0);
    return makeInt(value);
}

static Obj *primMultiply(Obj *args) {
    int64_t product = 1;
    for (; args != nil; args = cdr(args)) product *= integerArgument(args, 0);
    return makeInt(product);
}

static Obj *primQuotient(Obj *args) {
    int64_t divisor = integerArgument(args, 1);
    if (divisor == 0) fail("division by zero", NULL);
    return makeInt(integerArgument(args, 0) / divisor);
}

static Obj *primRemainder(Obj *args) {
    int64_t divisor = integerArgument(args, 1);
    if (divisor == 0) fail("division by zero", NULL);
    return makeInt(integerArgument(args, 0) % divisor);
}

static Obj *primLess(Obj *args) { return integerArgument(args, 0) < integerArgument(args, 1) ? true_ : nil; }
static Obj *primGreater(Obj *args) { return integerArgument(args, 0) > integerArgument(args, 1) ? true_ : nil; }
static Obj *primNumberEqual(Obj *args) { return integerArgument(args, 0) == integerArgument(args, 1) ? true_ : nil; }
static Obj *primCons(Obj *args) { return cons(car(args), car(cdr(args))); }
static Obj *primCar(Obj *args) { return car(car(args)); }
static Obj *primCdr(Obj *args) { return cdr(car(args)); }
static Obj *primList(Obj *args) { return args; }
static Obj *primIsNull(Obj *args) { return car(args) == nil ? true_ : nil; }
static Obj *primIsPair(Obj *args) { return car(args)->type == CONS ? true_ : nil; }
static Obj *primNot(Obj *args) { return car(args) == nil ? true_ : nil; }

static Obj *primIsEq(Obj *args) {
    Obj *a = car(args), *b = car(cdr(args));
    if (a->type == INT && b->type == INT) return a->as.integer == b->as.integer ? true_ : nil;
    return a == b ? true_ : nil;
}

static Obj *primPrint(Obj *args) {
    Text text = {0};
    for (Obj *a = args; a != nil; a = cdr(a)) {
        printObj(&text, car(a));
        if (cdr(a) != nil) append(&text, " ");
    }
    append(&text, "\n");
    emit(text.data);
    free(text.data);
    return nil;
}

static void definePrimitive(const char *name, Primitive function) {
    Obj *obj = calloc(1, sizeof(Obj));
    if (!obj) fail("out of memory", NULL);
    obj->type = PRIMITIVE;
    obj->marked = 1;  // permanent
    obj->as.primitive.function = function;
    obj->as.primitive.name = name;
    intern(name)->as.symbol.value = obj;
}

// ---- The program ----

static const char program[] =
    "(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))\n"
    "(define (tak x y z) (if (not (< y x)) z (tak (tak (- x 1) y z) (tak (- y 1) z x) (tak (- z 1) x y))))\n"
    "(define (length l) (len-acc l 0))\n"
    "(define (len-acc l n) (if (null? l) n (len-acc (cdr l) (+ n 1))))\n"
    "(define (append a b) (if (null? a) b (cons (car a) (append (cdr a) b))))\n"
    "(define (map f l) (if (null? l) '() (cons (f (car l)) (map f (cdr l)))))\n"
    "(define (filter keep? l)\n"
    "  (cond ((null? l) '())\n"
    "        ((keep? (car l)) (cons (car l) (filter keep? (cdr l))))\n"
    "        (else (filter keep? (cdr l)))))\n"
    "(define (qsort l)\n"
    "  (if (null? l) '()\n"
    "      (let ((pivot (car l)) (rest (cdr l)))\n"
    "        (append (qsort (filter (lambda (x) (< x pivot)) rest))\n"
    "                (cons pivot (qsort (filter (lambda (x) (not (< x pivot))) rest)))))))\n"
    "(define (random-list n seed)\n"
    "  (if (= n 0) '()\n"
    "      (cons (remainder seed 1000)\n"
    "            (random-list (- n 1) (remainder (+ (* seed 1103515245) 12345) 2147483648)))))\n"
    "(define (weighted-sum l i acc) (if (null? l) acc (weighted-sum (cdr l) (+ i 1) (+ acc (* i (car l))))))\n"
    "(define (sorted? l) (or (null? l) (null? (cdr l)) (and (not (< (car (cdr l)) (car l))) (sorted? (cdr l)))))\n"
    "(define (iota n) (iota-acc n '()))\n"
    "(define (iota-acc n acc) (if (= n 0) acc (iota-acc (- n 1) (cons n acc))))\n"
    "(define (ok? row dist placed)\n"
    "  (or (null? placed)\n"
    "      (and (not (= (car placed) (+ row dist)))\n"
    "           (not (= (car placed) (- row dist)))\n"
    "           (ok? row (+ dist 1) (cdr placed)))))\n"
    "(define (try-queens x y z)\n"
    "  (if (null? x)\n"
    "      (if (null? y) 1 0)\n"
    "      (+ (if (ok? (car x) 1 z) (try-queens (append (cdr x) y) '() (cons (car x) z)) 0)\n"
    "         (try-queens (cdr x) (cons (car x) y) z))))\n"
    "(define (queens n) (try-queens (iota n) '() '()))\n"
    "(define (deriv a)\n"
    "  (cond ((not (pair? a)) (if (eq? a 'x) 1 0))\n"
    "        ((eq? (car a) '+) (cons '+ (map deriv (cdr a))))\n"
    "        ((eq? (car a) '-) (cons '- (map deriv (cdr a))))\n"
    "        ((eq? (car a) '*) (list '* a (cons '+ (map (lambda (b) (list '/ (deriv b) b)) (cdr a)))))\n"
    "        (else 'error)))\n"
    "(define (count-cells t) (if (pair? t) (+ 1 (count-cells (car t)) (count-cells (cdr t))) 0))\n"
    "(define (deriv-loop k expr acc)\n"
    "  (if (= k 0) acc (deriv-loop (- k 1) expr (+ acc (count-cells (deriv expr))))))\n"
    "(define (make-counter)\n"
    "  (let ((count 0)) (lambda () (set! count (+ count 1)) count)))\n"
    "(define (call-n f n) (if (= n 1) (f) (begin (f) (call-n f (- n 1)))))\n"
    "(define (run-round k)\n"
    "  (let ((sorted (qsort (random-list (+ 250 (remainder (* k 37) 100)) (+ k 7)))))\n"
    "    (list 'round k\n"
    "          (fib (+ 15 (remainder k 3)))\n"
    "          (tak 12 (+ 6 (remainder k 2)) 3)\n"
    "          (length sorted) (sorted? sorted) (weighted-sum sorted 1 0)\n"
    "          (queens (+ 5 (remainder k 2)))\n"
    "          (deriv-loop 40 (list '+ (list '* 3 'x 'x) (list '* 'a 'x 'x) (list '* 'b 'x) k) 0)\n"
    "          (call-n (make-counter) (+ 100 k)))))\n"
    "(define (main k) (if (< k rounds) (begin (print (run-round k)) (main (+ k 1)))))\n"
    "(main 0)\n";

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 5;
    if (rounds < 1 || rounds > 100000) {
        fprintf(stderr, "usage: lisp [ROUNDS]  (1 to 100000)\n");
        return 2;
    }
    static const struct { const char *name; Special special; } keywords[] = {
        {"quote", QUOTE}, {"if", IF}, {"define", DEFINE}, {"lambda", LAMBDA_FORM}, {"let", LET},
        {"begin", BEGIN}, {"cond", COND}, {"and", AND}, {"or", OR}, {"set!", SET}, {"else", ELSE},
    };
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        intern(keywords[i].name)->as.symbol.special = keywords[i].special;
    definePrimitive("+", primAdd);
    definePrimitive("-", primSubtract);
    definePrimitive("*", primMultiply);
    definePrimitive("quotient", primQuotient);
    definePrimitive("remainder", primRemainder);
    definePrimitive("<", primLess);
    definePrimitive(">", primGreater);
    definePrimitive("=", primNumberEqual);
    definePrimitive("cons", primCons);
    definePrimitive("car", primCar);
    definePrimitive("cdr", primCdr);
    definePrimitive("list", primList);
    definePrimitive("null?", primIsNull);
    definePrimitive("pair?", primIsPair);
    definePrimitive("not", primNot);
    definePrimitive("eq?", primIsEq);
    definePrimitive("print", primPrint);
    addBlock();
    intern("rounds")->as.symbol.value = makeInt(rounds);
    Reader reader = {program, 0};
    ROOTS_BEGIN;
    Obj *form = nil;
    ROOT(form);
    while ((form = read(&reader)) != NULL) eval(form, nil);
    ROOTS_END;
    char line[128];
    snprintf(line, sizeof line, "cells %zu, collections %zu\n", totalCells, collections);
    emit(line);
    printf("checksum %08x\n", (unsigned)outputHash);
    return 0;
}
