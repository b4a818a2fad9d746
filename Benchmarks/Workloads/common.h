// Shared by the benchmark workloads: freestanding C, no libc, one exported entry point `run`.
#define EXPORT(name) __attribute__((export_name(name)))
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned char u8;
