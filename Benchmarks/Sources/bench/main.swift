import Foundation

/// Runs every workload on both engines in this process and prints medians and ratios.
///
/// Usage: bench [WORKLOAD...]            all workloads, or the named ones
///        bench --hello ours|wasmkit     run hello-world once (for measuring peak memory from outside)
///        bench --only ours|wasmkit WORKLOAD...   one engine alone (for profiling it), times only
let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let workloads = directory.appendingPathComponent("Workloads")
var arguments = Array(CommandLine.arguments.dropFirst())
var engines: [any Contender] = [Ours(), Peer()]
if arguments.first == "--only", arguments.count >= 2 {
    engines = arguments[1] == "ours" ? [Ours()] : [Peer()]
    arguments.removeFirst(2)
}

func bytes(_ path: URL) throws -> [UInt8] { [UInt8](try Data(contentsOf: path)) }

/// Wall time of one call of `body`, in seconds.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ times: [Double]) -> Double { times.sorted()[times.count / 2] }

/// Median wall time of `repetitions` calls of `body`, in seconds.
func median(_ repetitions: Int, _ body: () throws -> Void) rethrows -> Double {
    median(try (0..<repetitions).map { _ in try seconds(body) })
}

let helloPath = directory.appendingPathComponent("../Fixtures/wasi/hello/main.wasm")
if arguments.first == "--hello", arguments.count == 2 {
    let engine: any Contender = arguments[1] == "ours" ? Ours() : Peer()
    exit(try engine.runCommand(try bytes(helloPath)))
}

/// Workloads: module, argument of `run`, repetitions.
let kernels: [(String, UInt32, Int)] = [
    ("fib", 30, 7), ("sieve", 3, 7), ("matmul_i32", 4, 7), ("matmul_f64", 4, 7), ("sha256", 1, 5),
    ("nbody", 300_000, 7), ("bytecode", 300, 7), ("memops", 40, 7), ("indirect", 5_000_000, 7), ("coremark", 100, 7),
]
let selected = Set(arguments)
/// WasmKit time / ours per workload reported, by name.
var ratios: [(name: String, ratio: Double)] = []
print("workload      \(engines.map { $0.name.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined(separator: " ")) ratio (WasmKit time / ours)")

@MainActor func report(_ name: String, _ times: [Double]) {
    guard times.count == 2 else {
        print(name.padding(toLength: 13, withPad: " ", startingAt: 0) + String(format: " %9.1f ms", times[0] * 1000))
        return
    }
    let ratio = times[1] / times[0]
    ratios.append((name, ratio))
    let cells = times.map { String(format: "%9.1f ms ", $0 * 1000) }.joined(separator: " ")
    print(name.padding(toLength: 13, withPad: " ", startingAt: 0) + " " + cells + String(format: " %5.2fx", ratio))
}

// The engines take turns, one run each, so that a slow spell of the (shared) machine hits both alike.
for (name, n, repetitions) in kernels where selected.isEmpty || selected.contains(name) {
    let module = try bytes(workloads.appendingPathComponent("\(name).wasm"))
    let runs = try engines.map { try $0.load(module) }
    let results = try runs.map { try $0(n) }  // warm-up: lazy compilation happens here
    guard Set(results).count == 1 else {
        print("\(name): engines disagree: \(results)")
        exit(1)
    }
    var times = [[Double]](repeating: [], count: runs.count)
    for _ in 0..<repetitions {
        for (index, run) in runs.enumerated() { times[index].append(try seconds { _ = try run(n) }) }
    }
    report(name, times.map(median))
}

if selected.isEmpty || selected.contains("startup") {
    let hello = try bytes(helloPath)
    report("startup", try engines.map { engine in try median(9) { _ = try engine.runCommand(hello) } })
}
if selected.isEmpty || selected.contains("decode") {
    let large = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("wasix-bench-large.wasm")
    if !FileManager.default.fileExists(atPath: large.path) {
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments = ["python3", directory.appendingPathComponent("../Scripts/make-large-module.py").path, large.path]
        try generator.run()
        generator.waitUntilExit()
    }
    let module = try bytes(large)
    report("decode", try engines.map { engine in try median(3) { try engine.decode(module) } })
}
func geometricMean(_ values: [Double]) -> Double {
    exp(values.map { log($0) }.reduce(0, +) / Double(max(values.count, 1)))
}
let kernelNames = Set(kernels.map(\.0))
let kernelMean = geometricMean(ratios.filter { kernelNames.contains($0.name) }.map(\.ratio))
print(String(format: "geometric mean of ratios: %.2fx over the kernels, %.2fx with startup and decode", kernelMean,
             geometricMean(ratios.map(\.ratio))) + " (above 1: wasix-swift is faster)")
