// raytrace: a small Whitted-style ray tracer that renders a fixed scene and writes it as a text PPM (P3).
//
// What it stresses: f64 arithmetic (dot products, square roots, divisions), small structs passed and returned
// by value, recursion (reflection and refraction rays, depth 5), calls through a function-pointer table (one
// intersection routine per shape kind), and a lot of printf("%d") through libc's stdio.
//
// Usage: raytrace [WIDTH]   (default 120; the image is WIDTH x WIDTH*3/4, 2x2 samples per pixel)
// Output: the image, then "checksum XXXXXXXX" (FNV-1a over the pixel bytes). Only sqrt, fabs and floor come
// from libm, so the image is the same bit for bit under any correctly rounded libm (wasi-libc's and glibc's).
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double x, y, z;
} Vec;

static Vec vec(double x, double y, double z) { return (Vec){x, y, z}; }
static Vec add(Vec a, Vec b) { return vec(a.x + b.x, a.y + b.y, a.z + b.z); }
static Vec sub(Vec a, Vec b) { return vec(a.x - b.x, a.y - b.y, a.z - b.z); }
static Vec scale(Vec a, double s) { return vec(a.x * s, a.y * s, a.z * s); }
static Vec mul(Vec a, Vec b) { return vec(a.x * b.x, a.y * b.y, a.z * b.z); }
static double dot(Vec a, Vec b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static Vec cross(Vec a, Vec b) { return vec(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x); }
static double length(Vec a) { return sqrt(dot(a, a)); }
static Vec normalize(Vec a) { return scale(a, 1.0 / length(a)); }
static Vec reflect(Vec d, Vec n) { return sub(d, scale(n, 2.0 * dot(d, n))); }

typedef struct {
    Vec origin, direction;
} Ray;

typedef enum { MATTE, CHECKER, MIRROR, GLASS } Finish;

typedef struct {
    Vec color;
    double diffuse, specular, shininess, reflectivity, transparency, ior;
    Finish finish;
} Material;

typedef enum { SPHERE, PLANE, TRIANGLE, SHAPE_KINDS } ShapeKind;

typedef struct {
    ShapeKind kind;
    const Material *material;
    union {
        struct { Vec center; double radius; } sphere;
        struct { Vec normal; double offset; } plane;
        struct { Vec a, edge1, edge2, normal; } triangle;
    } u;
} Shape;

typedef struct {
    double t;
    Vec point, normal;
    const Shape *shape;
} Hit;

typedef struct {
    Vec position, color;
} Light;

typedef struct {
    Shape *shapes;
    int count, capacity;
    Light lights[4];
    int lightCount;
    Vec ambient, sky;
} Scene;

static const double EPSILON = 1e-6;

static int intersectSphere(const Shape *s, const Ray *ray, double *t) {
    Vec oc = sub(ray->origin, s->u.sphere.center);
    double b = dot(oc, ray->direction);
    double c = dot(oc, oc) - s->u.sphere.radius * s->u.sphere.radius;
    double discriminant = b * b - c;
    if (discriminant < 0) return 0;
    double root = sqrt(discriminant);
    double near = -b - root, far = -b + root;
    if (near > EPSILON) { *t = near; return 1; }
    if (far > EPSILON) { *t = far; return 1; }
    return 0;
}

static int intersectPlane(const Shape *s, const Ray *ray, double *t) {
    double denominator = dot(s->u.plane.normal, ray->direction);
    if (fabs(denominator) < EPSILON) return 0;
    double distance = (s->u.plane.offset - dot(s->u.plane.normal, ray->origin)) / denominator;
    if (distance <= EPSILON) return 0;
    *t = distance;
    return 1;
}

// Moller-Trumbore.
static int intersectTriangle(const Shape *s, const Ray *ray, double *t) {
    Vec p = cross(ray->direction, s->u.triangle.edge2);
    double determinant = dot(s->u.triangle.edge1, p);
    if (fabs(determinant) < EPSILON) return 0;
    double inverse = 1.0 / determinant;
    Vec q = sub(ray->origin, s->u.triangle.a);
    double u = dot(q, p) * inverse;
    if (u < 0 || u > 1) return 0;
    Vec r = cross(q, s->u.triangle.edge1);
    double v = dot(ray->direction, r) * inverse;
    if (v < 0 || u + v > 1) return 0;
    double distance = dot(s->u.triangle.edge2, r) * inverse;
    if (distance <= EPSILON) return 0;
    *t = distance;
    return 1;
}

static Vec normalSphere(const Shape *s, Vec point) { return scale(sub(point, s->u.sphere.center), 1.0 / s->u.sphere.radius); }
static Vec normalPlane(const Shape *s, Vec point) { (void)point; return s->u.plane.normal; }
static Vec normalTriangle(const Shape *s, Vec point) { (void)point; return s->u.triangle.normal; }

static int (*const intersectors[SHAPE_KINDS])(const Shape *, const Ray *, double *) = {
    intersectSphere, intersectPlane, intersectTriangle,
};
static Vec (*const normals[SHAPE_KINDS])(const Shape *, Vec) = {normalSphere, normalPlane, normalTriangle};

static Shape *addShape(Scene *scene, ShapeKind kind, const Material *material) {
    if (scene->count == scene->capacity) {
        scene->capacity = scene->capacity ? scene->capacity * 2 : 8;
        scene->shapes = realloc(scene->shapes, sizeof(Shape) * (size_t)scene->capacity);
        if (!scene->shapes) { perror("realloc"); exit(1); }
    }
    Shape *shape = &scene->shapes[scene->count++];
    memset(shape, 0, sizeof *shape);
    shape->kind = kind;
    shape->material = material;
    return shape;
}

static void addSphere(Scene *scene, Vec center, double radius, const Material *material) {
    Shape *s = addShape(scene, SPHERE, material);
    s->u.sphere.center = center;
    s->u.sphere.radius = radius;
}

static void addTriangle(Scene *scene, Vec a, Vec b, Vec c, const Material *material) {
    Shape *s = addShape(scene, TRIANGLE, material);
    s->u.triangle.a = a;
    s->u.triangle.edge1 = sub(b, a);
    s->u.triangle.edge2 = sub(c, a);
    s->u.triangle.normal = normalize(cross(s->u.triangle.edge1, s->u.triangle.edge2));
}

static int closestHit(const Scene *scene, const Ray *ray, Hit *hit) {
    hit->t = INFINITY;
    hit->shape = NULL;
    for (int i = 0; i < scene->count; i++) {
        const Shape *shape = &scene->shapes[i];
        double t;
        if (intersectors[shape->kind](shape, ray, &t) && t < hit->t) {
            hit->t = t;
            hit->shape = shape;
        }
    }
    if (!hit->shape) return 0;
    hit->point = add(ray->origin, scale(ray->direction, hit->t));
    hit->normal = normals[hit->shape->kind](hit->shape, hit->point);
    return 1;
}

static int inShadow(const Scene *scene, Vec point, Vec toLight, double distance) {
    Ray ray = {point, toLight};
    for (int i = 0; i < scene->count; i++) {
        const Shape *shape = &scene->shapes[i];
        double t;
        if (shape->material->finish != GLASS && intersectors[shape->kind](shape, &ray, &t) && t < distance) return 1;
    }
    return 0;
}

static double power(double base, int exponent) {
    double result = 1.0;
    while (exponent > 0) {
        if (exponent & 1) result *= base;
        base *= base;
        exponent >>= 1;
    }
    return result;
}

static Vec surfaceColor(const Material *m, Vec point) {
    if (m->finish != CHECKER) return m->color;
    int parity = ((int)floor(point.x) + (int)floor(point.z)) & 1;
    return parity ? m->color : vec(0.9, 0.9, 0.9);
}

static Vec trace(const Scene *scene, Ray ray, int depth);

static Vec shade(const Scene *scene, const Ray *ray, const Hit *hit, int depth) {
    const Material *m = hit->shape->material;
    Vec normal = hit->normal;
    int inside = dot(normal, ray->direction) > 0;
    if (inside) normal = scale(normal, -1);
    Vec base = surfaceColor(m, hit->point);
    Vec color = mul(base, scene->ambient);
    Vec lifted = add(hit->point, scale(normal, 1e-4));
    for (int i = 0; i < scene->lightCount; i++) {
        const Light *light = &scene->lights[i];
        Vec toLight = sub(light->position, lifted);
        double distance = length(toLight);
        toLight = scale(toLight, 1.0 / distance);
        double lambert = dot(normal, toLight);
        if (lambert <= 0 || inShadow(scene, lifted, toLight, distance)) continue;
        color = add(color, scale(mul(base, light->color), lambert * m->diffuse));
        double highlight = dot(reflect(scale(toLight, -1), normal), scale(ray->direction, -1));
        if (highlight > 0) color = add(color, scale(light->color, m->specular * power(highlight, (int)m->shininess)));
    }
    if (depth <= 0) return color;
    if (m->reflectivity > 0) {
        Ray reflected = {lifted, normalize(reflect(ray->direction, normal))};
        color = add(color, scale(trace(scene, reflected, depth - 1), m->reflectivity));
    }
    if (m->transparency > 0) {
        double ratio = inside ? m->ior : 1.0 / m->ior;
        double cosine = -dot(normal, ray->direction);
        double k = 1 - ratio * ratio * (1 - cosine * cosine);
        if (k >= 0) {
            Vec direction = normalize(add(scale(ray->direction, ratio), scale(normal, ratio * cosine - sqrt(k))));
            Ray refracted = {sub(hit->point, scale(normal, 1e-4)), direction};
            color = add(color, scale(trace(scene, refracted, depth - 1), m->transparency));
        }
    }
    return color;
}

static Vec trace(const Scene *scene, Ray ray, int depth) {
    Hit hit;
    if (!closestHit(scene, &ray, &hit)) {
        double t = 0.5 * (ray.direction.y + 1.0);
        return add(scale(vec(1, 1, 1), 1 - t), scale(scene->sky, t));
    }
    return shade(scene, &ray, &hit, depth);
}

static uint32_t next(uint32_t *state) {
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

static double unit(uint32_t *state) { return (next(state) >> 8) / 16777216.0; }

static const Material floorMaterial = {{0.2, 0.3, 0.8}, 0.8, 0.1, 8, 0.15, 0, 1, CHECKER};
static const Material mirror = {{0.9, 0.9, 0.9}, 0.1, 0.9, 64, 0.85, 0, 1, MIRROR};
static const Material glass = {{0.95, 0.95, 1.0}, 0.05, 0.8, 128, 0.1, 0.85, 1.5, GLASS};
static const Material pyramidMaterial = {{0.9, 0.6, 0.2}, 0.7, 0.3, 16, 0.2, 0, 1, MATTE};

static void buildScene(Scene *scene, Material *palette, int paletteSize) {
    memset(scene, 0, sizeof *scene);
    scene->ambient = vec(0.08, 0.08, 0.1);
    scene->sky = vec(0.4, 0.6, 1.0);
    Shape *ground = addShape(scene, PLANE, &floorMaterial);
    ground->u.plane.normal = vec(0, 1, 0);
    ground->u.plane.offset = 0;
    addSphere(scene, vec(-1.6, 1.0, 6.0), 1.0, &mirror);
    addSphere(scene, vec(0.9, 0.8, 4.6), 0.8, &glass);
    // A ring of small coloured spheres.
    uint32_t seed = 0x2545F491u;
    for (int i = 0; i < paletteSize; i++) {
        // One random number per statement: the order of evaluation within an initializer is unspecified.
        double red = 0.2 + 0.8 * unit(&seed);
        double green = 0.2 + 0.8 * unit(&seed);
        double blue = 0.2 + 0.8 * unit(&seed);
        palette[i] = (Material){{red, green, blue}, 0.8, 0.4, 32, i % 3 == 0 ? 0.3 : 0.0, 0, 1, MATTE};
    }
    // Twelve positions on a circle, by rotating a fixed step, so that the scene needs no trigonometry from libm.
    double c = 1.0, s = 0.0;
    const double stepCos = 0.86602540378443864676, stepSin = 0.5;  // 30 degrees
    for (int i = 0; i < 12; i++) {
        double radius = 0.25 + 0.15 * unit(&seed);
        addSphere(scene, vec(3.2 * c, radius, 7.0 + 3.2 * s), radius, &palette[i % paletteSize]);
        double nc = c * stepCos - s * stepSin;
        s = c * stepSin + s * stepCos;
        c = nc;
    }
    // A pyramid of four triangles.
    Vec apex = vec(2.4, 2.2, 9.5), p0 = vec(1.4, 0, 8.5), p1 = vec(3.4, 0, 8.5), p2 = vec(3.4, 0, 10.5), p3 = vec(1.4, 0, 10.5);
    addTriangle(scene, p0, p1, apex, &pyramidMaterial);
    addTriangle(scene, p1, p2, apex, &pyramidMaterial);
    addTriangle(scene, p2, p3, apex, &pyramidMaterial);
    addTriangle(scene, p3, p0, apex, &pyramidMaterial);
    scene->lights[0] = (Light){vec(-5, 8, 0), vec(0.8, 0.8, 0.8)};
    scene->lights[1] = (Light){vec(6, 6, 3), vec(0.5, 0.45, 0.4)};
    scene->lightCount = 2;
}

static int toByte(double channel) {
    if (channel < 0) channel = 0;
    if (channel > 1) channel = 1;
    return (int)(channel * 255.0 + 0.5);
}

int main(int argc, char **argv) {
    int width = argc > 1 ? atoi(argv[1]) : 120;
    if (width < 4 || width > 4096) {
        fprintf(stderr, "usage: raytrace [WIDTH]  (4 to 4096)\n");
        return 2;
    }
    int height = width * 3 / 4;
    Material palette[5];
    Scene scene;
    buildScene(&scene, palette, 5);
    Vec eye = vec(0, 1.6, -1.0);
    Vec target = vec(0, 0.8, 6.0);
    Vec forward = normalize(sub(target, eye));
    Vec right = normalize(cross(vec(0, 1, 0), forward));
    Vec up = cross(forward, right);
    double fieldOfView = 0.9;  // tangent of half the horizontal angle
    unsigned char *pixels = malloc((size_t)width * (size_t)height * 3);
    if (!pixels) { perror("malloc"); return 1; }
    for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
            Vec sum = vec(0, 0, 0);
            for (int sy = 0; sy < 2; sy++) {
                for (int sx = 0; sx < 2; sx++) {
                    double u = ((x + (sx + 0.5) / 2) / width * 2 - 1) * fieldOfView;
                    double v = (1 - (y + (sy + 0.5) / 2) / height * 2) * fieldOfView * height / width;
                    Ray ray = {eye, normalize(add(forward, add(scale(right, u), scale(up, v))))};
                    sum = add(sum, trace(&scene, ray, 5));
                }
            }
            unsigned char *p = &pixels[((size_t)y * width + x) * 3];
            p[0] = (unsigned char)toByte(sum.x / 4);
            p[1] = (unsigned char)toByte(sum.y / 4);
            p[2] = (unsigned char)toByte(sum.z / 4);
        }
    }
    printf("P3\n%d %d\n255\n", width, height);
    uint32_t hash = 2166136261u;
    for (int i = 0; i < width * height; i++) {
        unsigned char *p = &pixels[i * 3];
        printf("%d %d %d\n", p[0], p[1], p[2]);
        for (int k = 0; k < 3; k++) hash = (hash ^ p[k]) * 16777619u;
    }
    free(pixels);
    free(scene.shapes);
    printf("checksum %08x\n", (unsigned)hash);
    return 0;
}
