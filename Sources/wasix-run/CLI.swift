import Foundation
import SpecRunner
import Wasix

/// The `wasix-run` command line.
enum CLI {
    static let usage = """
        USAGE: wasix-run [--invoke FUNCTION] FILE.wasm [ARGS...]
               wasix-run spec [--verbose] [--commands TYPE,...] [--in-scope] PATH...
               wasix-run validate FILE.wasm

        Runs FILE.wasm: calls its `_start`, or with --invoke the named export with ARGS (numbers, converted to
        the parameter types) and prints the results. WASI imports come with the WASI work; until then a module
        that imports anything fails to link.

        spec       Run WebAssembly spec test scripts (wast2json .json files, or directories of them).
                   --verbose   print each failing command (line, expected, actual)
                   --commands  only run these command types, e.g. module,assert_invalid,assert_malformed
                   --in-scope  PATH is the suite's root: run the scripts whose MANIFEST.tsv feature is implemented
        validate   Decode and validate a module; print its imports and exports.
        """

    /// Runs the command line and returns the exit status.
    static func run(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            print(usage)
            return 2
        }
        let rest = Array(arguments.dropFirst())
        switch command {
        case "spec": return runSpec(rest)
        case "validate": return validate(rest)
        case "--help", "-h", "help":
            print(usage)
            return 0
        default:
            return runModule(arguments)
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write((text + "\n").data(using: .utf8) ?? Data())
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

    /// Instantiates a module and calls `_start` or the function named by `--invoke`.
    private static func runModule(_ arguments: [String]) -> Int32 {
        var rest = arguments[...]
        var invoke: String?
        if rest.first == "--invoke" {
            rest = rest.dropFirst()
            invoke = rest.popFirst()
        }
        guard let file = rest.popFirst(), invoke != nil || arguments.first != "--invoke" else {
            printError(usage)
            return 2
        }
        let store = Store()
        let instance: Instance
        do {
            instance = try store.instantiate(try ValidatedModule(contentsOfFile: file))
        } catch let error as InstantiationError {
            if case .trap(let trap) = error { return report(trap) }
            printError("error: \(file): \(error)")
            return 1
        } catch {
            printError("error: \(file): \(error)")
            return 1
        }
        let name = invoke ?? "_start"
        guard let function = instance.exportedFunction(name) else {
            printError("error: \(file): no exported function \"\(name)\"\(invoke == nil ? "; use --invoke NAME" : "")")
            return 1
        }
        let parameters = function.type.parameters
        guard parameters.count == rest.count else {
            printError("error: \(name) takes \(parameters.count) arguments, \(rest.count) given")
            return 2
        }
        var values: [Value] = []
        for (type, text) in zip(parameters, rest) {
            guard let value = parse(text, as: type) else {
                printError("error: cannot read \"\(text)\" as \(type)")
                return 2
            }
            values.append(value)
        }
        do {
            for result in try ExecutionContext(store: store).invoke(function, values) { print(format(result)) }
            return 0
        } catch {
            return report(error)
        }
    }

    /// Prints a trap and its backtrace; returns the exit status for a trap.
    private static func report(_ error: TrapError) -> Int32 {
        printError("error: \(error.trap)")
        for (index, name) in error.backtrace.enumerated() { printError("  \(index): \(name)") }
        return 134
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

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }

    private static func validate(_ arguments: [String]) -> Int32 {
        guard arguments.count == 1, let data = FileManager.default.contents(atPath: arguments[0]) else {
            printError("error: validate needs one readable .wasm file")
            return 2
        }
        do {
            let clock = ContinuousClock()
            let start = clock.now
            let module = try ModuleDecoder.decode([UInt8](data))
            let decoded = clock.now
            _ = try ModuleValidator.validate(module)
            let validated = clock.now
            for entry in module.imports { print("import \(entry.module).\(entry.name): \(entry.descriptor)") }
            for export in module.exports { print("export \(export.name): \(export.descriptor)") }
            print("valid: \(module.types.count) types, \(module.bodies.count) functions; "
                + "decoded in \(milliseconds(decoded - start)) ms, validated in \(milliseconds(validated - decoded)) ms")
            return 0
        } catch {
            printError("error: \(arguments[0]): \(error)")
            return 1
        }
    }
}
