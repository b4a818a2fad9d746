import Foundation

/// Runs every workload on both engines in this process and prints medians and ratios.
///
/// Usage: bench [--runs N] [NAME...]       everything, or the named workloads (`kernels` and `programs` name
///                                         those groups); --runs sets the runs per engine of each
///        bench --external DIR [--runs N]  every DIR/*.wasm as a WASI command on both engines (default 3 runs);
///                                         NAME.args, .env, .dirs and .invoke beside each say how to run it
///        bench --hello ours|wasmkit       run hello-world once (for measuring peak memory from outside)
///        bench --only ours|wasmkit NAME...   one engine alone (for profiling it), times only
let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let workloads = directory.appendingPathComponent("Workloads")
let programDirectory = directory.appendingPathComponent("Programs")
var engines: [any Contender] = [Ours(), Peer()]
var names: [String] = []
var runsOverride: Int?
var externalDirectory: URL?
var hello: String?
do {
    var rest = Array(CommandLine.arguments.dropFirst())[...]
    func value(_ option: String) -> String {
        guard let value = rest.popFirst() else {
            FileHandle.standardError.write("bench: \(option) needs a value\n".data(using: .utf8)!)
            exit(2)
        }
        return value
    }
    while let argument = rest.popFirst() {
        switch argument {
        case "--only": engines = value(argument) == "ours" ? [Ours()] : [Peer()]
        case "--runs":
            guard let runs = Int(value(argument)), runs >= 1 else {
                FileHandle.standardError.write("bench: --runs needs a positive number\n".data(using: .utf8)!)
                exit(2)
            }
            runsOverride = runs
        case "--external": externalDirectory = URL(fileURLWithPath: value(argument))
        case "--hello": hello = value(argument)
        default: names.append(argument)
        }
    }
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

func fail(_ message: String) -> Never {
    print(message)
    exit(1)
}

let helloPath = directory.appendingPathComponent("../Fixtures/wasi/hello/main.wasm")
if let hello {
    let engine: any Contender = hello == "ours" ? Ours() : Peer()
    exit(try engine.runHello(try bytes(helloPath)))
}

/// Kernels: module, argument of `run`, repetitions.
let kernels: [(String, UInt32, Int)] = [
    ("fib", 30, 7), ("sieve", 3, 7), ("matmul_i32", 4, 7), ("matmul_f64", 4, 7), ("sha256", 1, 5),
    ("nbody", 300_000, 7), ("bytecode", 300, 7), ("memops", 40, 7), ("indirect", 5_000_000, 7), ("coremark", 100, 7),
]
/// Real programs (Programs/*.c): WASI commands, their arguments, repetitions. Each prints a checksum last.
let programs: [(name: String, arguments: [String], repetitions: Int)] = [
    ("raytrace", ["120"], 5), ("compress", ["320"], 5), ("lisp", ["5"], 5), ("json", ["800"], 5), ("regex", ["2000"], 5),
]

enum Group: String { case kernel, program, external, other }
/// WasmKit time / ours per workload reported.
var ratios: [(name: String, group: Group, ratio: Double)] = []

@MainActor func header() {
    print("workload      \(engines.map { $0.name.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined(separator: " ")) ratio (WasmKit time / ours)")
}

@MainActor func report(_ name: String, _ group: Group, _ times: [Double]) {
    let label = name.count < 13 ? name.padding(toLength: 13, withPad: " ", startingAt: 0) : name
    guard times.count == 2 else {
        print(label + String(format: " %9.1f ms", times[0] * 1000))
        return
    }
    let ratio = times[1] / times[0]
    ratios.append((name, group, ratio))
    let cells = times.map { String(format: "%9.1f ms ", $0 * 1000) }.joined(separator: " ")
    print(label + " " + cells + String(format: " %5.2fx", ratio))
}

// ---- WASI commands ----

/// One run of a WASI command on one engine, its stdout kept in a file.
struct CommandRun {
    var seconds: Double
    var status: Int32
    var output: String

    /// The last line that starts with "checksum", if any.
    var checksum: String? {
        output.split(separator: "\n").last { $0.hasPrefix("checksum") }.map(String.init)
    }
}

let outputPath = NSTemporaryDirectory() + "wasix-bench-\(getpid()).out"

@MainActor func runOnce(_ engine: any Contender, _ module: [UInt8], _ command: Command) throws -> CommandRun {
    let fd = open(outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { fail("bench: cannot open \(outputPath)") }
    var status: Int32 = 0
    let time: Double
    do {
        defer { close(fd) }
        var command = command
        command.stdout = fd
        time = try seconds { status = try engine.runCommand(module, command) }
    }
    let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    return CommandRun(seconds: time, status: status, output: output)
}

/// Runs `module` on every engine, one untimed run each and then `repetitions` timed ones, taking turns, and
/// checks that every run ends with the same status and checksum line. Returns the median times, or throws
/// `BenchError` saying what differed.
@MainActor func measureCommand(_ name: String, _ module: [UInt8], _ command: Command, repetitions: Int,
                    needsChecksum: Bool) throws -> (times: [Double], first: [CommandRun]) {
    let first = try engines.map { try runOnce($0, module, command) }
    let expected = first[0]
    for (engine, run) in zip(engines, first) {
        if needsChecksum && run.checksum == nil { throw BenchError("\(name): \(engine.name) printed no checksum") }
        if run.status != expected.status || run.checksum != expected.checksum {
            throw BenchError("\(name): engines disagree: " + zip(engines, first).map {
                "\($0.name) status \($1.status), \($1.checksum ?? "no checksum")" }.joined(separator: "; "))
        }
    }
    var times = [[Double]](repeating: [], count: engines.count)
    for _ in 0..<repetitions {
        for (index, engine) in engines.enumerated() {
            let run = try runOnce(engine, module, command)
            if run.status != expected.status || run.checksum != expected.checksum {
                throw BenchError("\(name): \(engine.name) changed its answer: status \(run.status), \(run.checksum ?? "no checksum")")
            }
            times[index].append(run.seconds)
        }
    }
    return (times.map(median), first)
}

// ---- External mode ----

/// Reads NAME.args (whitespace-separated arguments), NAME.env (NAME=VALUE lines), NAME.dirs (GUEST::HOST
/// lines, HOST relative to the directory) and NAME.invoke (a reactor's export to call after `_initialize`)
/// beside NAME.wasm, all optional. Function imports from outside WASI trap when called.
func externalCommand(_ wasm: URL) -> Command {
    let base = wasm.deletingPathExtension()
    func lines(_ suffix: String) -> [String] {
        guard let text = try? String(contentsOf: base.appendingPathExtension(suffix), encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }
    let arguments = lines("args").flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
    let environment = lines("env").compactMap { line -> (name: String, value: String)? in
        guard let equals = line.firstIndex(of: "=") else { return nil }
        return (String(line[..<equals]), String(line[line.index(after: equals)...]))
    }
    let preopens = lines("dirs").compactMap { line -> (guest: String, host: String)? in
        guard let separator = line.range(of: "::") else { return nil }
        let host = String(line[separator.upperBound...])
        return (String(line[..<separator.lowerBound]),
                host.hasPrefix("/") ? host : wasm.deletingLastPathComponent().appendingPathComponent(host).path)
    }
    var command = Command(arguments: [base.lastPathComponent] + arguments, environment: environment,
                          preopens: preopens, stdout: -1, entry: lines("invoke").first)
    if let bytes = try? [UInt8](Data(contentsOf: wasm)) {
        command.unknownImports = (try? unknownImports(of: bytes)) ?? []
    }
    return command
}

/// The lines of the first runs' output that are not the same on every engine (for CoreMark, its timings).
@MainActor func printDifferingLines(_ runs: [CommandRun]) {
    let outputs = runs.map { $0.output.split(separator: "\n").map(String.init) }
    let common = outputs.dropFirst().reduce(Set(outputs[0])) { $0.intersection($1) }
    for (engine, lines) in zip(engines, outputs) {
        for line in lines.filter({ !common.contains($0) }).prefix(12) { print("    \(engine.name): \(line)") }
    }
}

func geometricMean(_ values: [Double]) -> Double {
    exp(values.map { log($0) }.reduce(0, +) / Double(max(values.count, 1)))
}

@MainActor func printMeans() {
    guard engines.count == 2 else { return }
    var parts: [String] = []
    for (group, label) in [(Group.kernel, "the kernels"), (.program, "the real programs"), (.external, "the external programs")] {
        let values = ratios.filter { $0.group == group }.map(\.ratio)
        if !values.isEmpty { parts.append(String(format: "%.2fx over ", geometricMean(values)) + "\(label) (\(values.count))") }
    }
    if ratios.contains(where: { $0.group == .other }) {
        parts.append(String(format: "%.2fx over everything", geometricMean(ratios.map(\.ratio))))
    }
    print("geometric mean of ratios: " + parts.joined(separator: ", ") + " (above 1: wasix-swift is faster)")
}

if let externalDirectory {
    let files = (try? FileManager.default.contentsOfDirectory(at: externalDirectory, includingPropertiesForKeys: nil)) ?? []
    let modules = files.filter { $0.pathExtension == "wasm" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    if modules.isEmpty { fail("bench: no .wasm files in \(externalDirectory.path)") }
    header()
    var failures = 0
    for wasm in modules {
        let name = wasm.deletingPathExtension().lastPathComponent
        do {
            let (times, first) = try measureCommand(name, try bytes(wasm), externalCommand(wasm),
                                                    repetitions: runsOverride ?? 3, needsChecksum: false)
            report(name, .external, times)
            printDifferingLines(first)
        } catch {
            print("\(name): \(error)")
            failures += 1
        }
    }
    printMeans()
    try? FileManager.default.removeItem(atPath: outputPath)
    exit(failures == 0 ? 0 : 1)
}

var selected = Set(names)
if selected.remove("kernels") != nil { selected.formUnion(kernels.map(\.0)) }
if selected.remove("programs") != nil { selected.formUnion(programs.map(\.name)) }
header()

// The engines take turns, one run each, so that a slow spell of the (shared) machine hits both alike.
for (name, n, repetitions) in kernels where selected.isEmpty || selected.contains(name) {
    let module = try bytes(workloads.appendingPathComponent("\(name).wasm"))
    let runs = try engines.map { try $0.load(module) }
    let results = try runs.map { try $0(n) }  // warm-up: lazy compilation happens here
    guard Set(results).count == 1 else { fail("\(name): engines disagree: \(results)") }
    var times = [[Double]](repeating: [], count: runs.count)
    for _ in 0..<(runsOverride ?? repetitions) {
        for (index, run) in runs.enumerated() { times[index].append(try seconds { _ = try run(n) }) }
    }
    report(name, .kernel, times.map(median))
}

for program in programs where selected.isEmpty || selected.contains(program.name) {
    let module = try bytes(programDirectory.appendingPathComponent("\(program.name).wasm"))
    let command = Command(arguments: [program.name] + program.arguments, stdout: -1)
    do {
        let (times, _) = try measureCommand(program.name, module, command, repetitions: runsOverride ?? program.repetitions,
                                            needsChecksum: true)
        report(program.name, .program, times)
    } catch {
        fail("\(error)")
    }
}

if selected.isEmpty || selected.contains("startup") {
    let hello = try bytes(helloPath)
    report("startup", .other, try engines.map { engine in try median(runsOverride ?? 9) { _ = try engine.runHello(hello) } })
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
    report("decode", .other, try engines.map { engine in try median(runsOverride ?? 3) { try engine.decode(module) } })
}
try? FileManager.default.removeItem(atPath: outputPath)
printMeans()
