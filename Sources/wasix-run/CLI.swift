#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SpecRunner
import Wasix

/// The `wasix-run` command line.
enum CLI {
    static let version = "0.1.0"

    static let usage = """
        USAGE: wasix-run [run] [OPTIONS] FILE.wasm [ARGS...]
               wasix-run spec [--verbose] [--commands TYPE,...] [--in-scope] PATH...
               wasix-run validate FILE.wasm
               wasix-run inspect [--json] FILE.wasm

        Commands (each takes --help):
          run        run a WASI or WASIX program (the default)
          spec       run WebAssembly spec test scripts
          validate   decode and validate a module; print its imports and exports
          inspect    show a module's sections, imports, exports, memories, features and largest functions
          --version  print the version

        """

    static let runUsage = "USAGE: wasix-run [run] [OPTIONS] FILE.wasm [ARGS...]\n\n" + runHelp

    /// What `run` does and its options.
    static let runHelp = """
        Runs FILE.wasm, a WASI or WASIX program: calls its `_start` with ARGS as its arguments, and exits with its
        exit status (after a trap: 134 for WASI; for WASIX, 128 + the signal a native build dies of, 136 for a
        division by zero, 139 for a bad memory access, 134 otherwise). Options end at FILE or at `--`; OPTION=VALUE
        works as well as OPTION VALUE.
        \(RunOptions.help)
        """

    static let specUsage = """
        USAGE: wasix-run spec [--verbose] [--commands TYPE,...] [--in-scope] PATH...

        Runs WebAssembly spec test scripts (wast2json .json files, or directories of them).
          --verbose             print each failing command (line, expected, actual)
          --commands TYPES      only run these command types, e.g. module,assert_invalid,assert_malformed
          --in-scope            PATH is the suite's root: run the scripts whose MANIFEST.tsv feature is implemented
        """

    static let inspectUsage = """
        USAGE: wasix-run inspect [--json] FILE.wasm

        Shows what a module holds: its sections with their sizes, imports and exports with their types, memories,
        tables, globals, start function, the proposals it uses and its ten largest functions (named from the name
        section). --json prints the same as one JSON object, for tools.
        """

    static let validateUsage = """
        USAGE: wasix-run validate FILE.wasm

        Decodes and validates a module and prints its imports and exports.
        """

    /// Runs the command line and returns the exit status.
    static func run(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            print(usage)
            return 2
        }
        let rest = Array(arguments.dropFirst())
        let wantsHelp = rest.first == "--help" || rest.first == "-h"
        switch command {
        case "spec" where wantsHelp, "validate" where wantsHelp, "inspect" where wantsHelp, "run" where wantsHelp:
            print(help(for: command))
            return 0
        case "spec": return runSpec(rest)
        case "validate": return validate(rest)
        case "inspect": return inspect(rest)
        case "--help", "-h", "help":
            print(rest.first.map(help(for:)) ?? usage + "\n" + runHelp)
            return 0
        case "--version", "-V":
            print("wasix-run \(version)")
            return 0
        default:
            return runModule(arguments)
        }
    }

    /// The help of `command`.
    static func help(for command: String) -> String {
        ["spec": specUsage, "validate": validateUsage, "inspect": inspectUsage][command] ?? runUsage
    }

    static func printError(_ text: String) {
        _ = writeAll(Array((text + "\n").utf8), to: 2)
    }

    private static func runSpec(_ arguments: [String]) -> Int32 {
        var verbose = false
        var filter: Set<String>?
        var inScope = false
        var paths: [String] = []
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--verbose", "-v": verbose = true
            case "--in-scope": inScope = true
            case "--commands":
                index += 1
                guard index < arguments.count else {
                    printError("error: --commands needs a comma-separated list")
                    return 2
                }
                filter = Set(arguments[index].split(separator: ",").map(String.init))
            default: paths.append(arguments[index])
            }
            index += 1
        }
        guard !paths.isEmpty else {
            printError("error: spec needs at least one script or directory")
            return 2
        }
        let runner = SpecRunner(commandFilter: filter)
        var passed = 0, failed = 0, skipped = 0
        var unsupported: [String: Int] = [:]
        let scripts = inScope ? paths.flatMap { SpecRunner.inScopeScripts(suiteRoot: $0) } : SpecRunner.scripts(in: paths)
        for path in scripts {
            let result = runner.run(scriptAt: path)
            print(result.summary)
            if verbose {
                for failure in result.failures { print("  FAIL \(failure)") }
                for mismatch in result.mismatches { print("  MESSAGE \(mismatch)") }
            }
            passed += result.passed
            failed += result.failed
            skipped += result.skippedText
            unsupported.merge(result.unsupported, uniquingKeysWith: +)
        }
        if skipped > 0 { print("\(skipped) skipped: text-format modules (no WAT parser)") }
        for (feature, count) in unsupported.sorted(by: { $0.key < $1.key }) {
            print("\(count) failed as unsupported: modules needing \(feature)")
        }
        let totalFailed = failed + unsupported.values.reduce(0, +)
        print("\(passed) passed, \(totalFailed) failed")
        return totalFailed == 0 ? 0 : 1
    }

    /// Runs a module: WASI preview1 imports are provided; calls `_start`, or the export named by `--invoke`
    /// with the remaining arguments converted to its parameter types.
    private static func runModule(_ words: [String]) -> Int32 {
        let options: RunOptions
        do {
            options = try RunOptions(words)
        } catch {
            printError("error: \(error) (wasix-run run --help lists the options)")
            return 2
        }
        let module: ValidatedModule
        do {
            module = try ValidatedModule(contentsOfFile: options.file, limits: options.limits.module)
        } catch let error as FileError {
            printError("error: \(error)")
            return 1
        } catch {
            printError("error: \(options.file): \(error)")
            return 1
        }
        var configuration = WasixConfiguration(
            arguments: [options.argv0 ?? options.file] + options.arguments, environment: options.environment,
            preopens: options.preopens)
        configuration.commands = options.commands
        configuration.forkMode = options.forkMode
        configuration.trapsUnknownImports = options.trapsUnknownImports
        configuration.allowsFunctionPointerCasts = !options.strictIndirectCalls
        configuration.workingDirectory = options.workingDirectory
        if let patterns = options.trace {
            var output: Int32 = 2
            if let path = options.traceFile {
                output = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
                guard output >= 0 else {
                    printError("error: cannot open \(path): \(String(cString: strerror(errno)))")
                    return 1
                }
            }
            configuration.trace = TraceOptions(patterns: patterns, output: output)
        }
        configuration.network = options.network
        configuration.forwardsInterrupts = true
        if let maxProcesses = options.maxProcesses { configuration.maxProcesses = maxProcesses }
        if let maxThreads = options.maxThreads { configuration.maxThreads = maxThreads }
        if let maxOpenFiles = options.maxOpenFiles { configuration.maxOpenFiles = maxOpenFiles }
        var values: [Value] = []
        if let name = options.invoke {
            guard let function = module.module.exports.first(where: { $0.name == name }),
                  case .function(let index) = function.descriptor,
                  let type = functionType(module.module, index) else {
                printError("error: \(options.file): no exported function \"\(name)\"")
                return 1
            }
            // ARGS are the program's argv either way; they are also the function's arguments if it takes any.
            guard type.parameters.isEmpty || type.parameters.count == options.arguments.count else {
                printError("error: \(name) takes \(type.parameters.count) arguments, \(options.arguments.count) given")
                return 2
            }
            for (parameter, text) in zip(type.parameters, type.parameters.isEmpty ? [] : options.arguments) {
                guard let value = parse(text, as: parameter) else {
                    printError("error: cannot read \"\(text)\" as \(parameter)")
                    return 2
                }
                values.append(value)
            }
        }
        var limits = options.limits
        limits.memoryBudget = MemoryBudget(bytes: options.memoryBudget)
        let store = Store(limits: limits)
        defer {
            if options.reportsStats, let budget = limits.memoryBudget {
                printError("stats: peak memory \(budget.peak) bytes of the budget's \(budget.limit)")
            }
        }
        if options.profile != nil { store.profiler = Profiler() }
        store.profiler?.start()
        defer { if let path = options.profile, let profiler = store.profiler { report(profiler, to: path) } }
        do {
            let outcome = try WasiProgram.run(module, configuration: configuration, function: options.invoke,
                                              arguments: values, results: { _, results in
                for result in results { print(format(result)) }
            }, store: store)
            switch outcome {
            case .exited(let status): return status
            case .trapped(let trap, let signal): return report(trap, signal: signal)
            case .killed(let signal): return 128 + signal
            }
        } catch {
            printError("error: \(options.file): \(error)")
            return 1
        }
    }

    /// The type of function `index` of `module`, imports included.
    private static func functionType(_ module: Module, _ index: FunctionIndex) -> FunctionType? {
        let all = module.importedFunctionTypeIndices + module.functionTypeIndices
        guard Int(index) < all.count, Int(all[Int(index)]) < module.types.count else { return nil }
        return module.types[Int(all[Int(index)])].functionType
    }

    /// Prints a trap and its backtrace; returns the exit status for a trap: 128 + the signal a native build
    /// would die of (WASIX), or 134 as in wasmtime (WASI).
    private static func report(_ error: TrapError, signal: Int32?) -> Int32 {
        printError("error: \(error.trap)")
        for (index, name) in error.backtrace.enumerated() { printError("  \(index): \(name)") }
        return 128 + (signal ?? SIGABRT)
    }

    /// Writes the profile's folded stacks to `path` and its hottest functions to stderr.
    private static func report(_ profiler: Profiler, to path: String) {
        profiler.stop()
        let total = max(profiler.sampleCount, 1)
        let contents = path.hasSuffix(".svg") ? profiler.flameGraph(title: "wasix-run --profile") : profiler.foldedStacks
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        let written = file >= 0 && writeAll(Array(contents.utf8), to: file)
        if file >= 0 { close(file) }
        if !written {
            printError("error: cannot write the profile to \(path)")
        }
        printError("profile: \(profiler.sampleCount) samples, \(path.hasSuffix(".svg") ? "a flame graph" : "folded stacks") in \(path)")
        printError("  self%  total%  function")
        for entry in profiler.hottest(20) {
            let own = Double(entry.selfSamples) * 100 / Double(total), all = Double(entry.totalSamples) * 100 / Double(total)
            printError(formatted(own, digits: 1, width: 6) + "  " + formatted(all, digits: 1, width: 6) + "   " + entry.name)
        }
    }

    private static func parse(_ text: String, as type: ValueType) -> Value? {
        switch type {
        case .i32: Int32(text).map { .i32(UInt32(bitPattern: $0)) } ?? UInt32(text).map(Value.i32)
        case .i64: Int64(text).map { .i64(UInt64(bitPattern: $0)) } ?? UInt64(text).map(Value.i64)
        case .f32: Float(text).map(Value.float)
        case .f64: Double(text).map(Value.double)
        default: nil
        }
    }

    private static func format(_ value: Value) -> String {
        switch value {
        case .i32(let v): "\(Int32(bitPattern: v))"
        case .i64(let v): "\(Int64(bitPattern: v))"
        case .f32(let v): "\(Float(bitPattern: v))"
        case .f64(let v): "\(Double(bitPattern: v))"
        default: "\(value)"
        }
    }

    /// Writes all of `bytes` to `descriptor`; false if it fails.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + done, $0.count - done) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            done += count
        }
        return true
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    private static func inspect(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        let files = arguments.filter { $0 != "--json" }
        guard files.count == 1, !files[0].hasPrefix("-") else {
            printError("error: inspect needs one .wasm file (wasix-run inspect --help)")
            return 2
        }
        guard let data = try? FileError.contents(of: files[0]) else {
            printError("error: cannot read \(files[0])")
            return 1
        }
        do {
            let inspection = try Inspection(file: files[0], module: try ModuleDecoder.decode(data))
            if json {
                print(inspection.json)
            } else {
                print(inspection.text)
            }
            return 0
        } catch {
            printError("error: \(files[0]): \(error)")
            return 1
        }
    }

    private static func validate(_ arguments: [String]) -> Int32 {
        guard arguments.count == 1, let data = try? FileError.contents(of: arguments[0]) else {
            printError("error: validate needs one readable .wasm file")
            return 2
        }
        do {
            let clock = ContinuousClock()
            let start = clock.now
            // As a run loads it: each body is validated as it is decoded.
            let module = try ModuleValidator.load(data).module
            let loaded = clock.now
            for entry in module.imports { print("import \(entry.module).\(entry.name): \(entry.descriptor)") }
            for export in module.exports { print("export \(export.name): \(export.descriptor)") }
            print("valid: \(module.types.count) types, \(module.bodies.count) functions; "
                + "decoded and validated in \(milliseconds(loaded - start)) ms")
            return 0
        } catch {
            printError("error: \(arguments[0]): \(error)")
            return 1
        }
    }
}
