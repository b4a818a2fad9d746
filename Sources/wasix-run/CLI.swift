import Foundation
import SpecRunner
import Wasix

/// The `wasix-run` command line.
enum CLI {
    static let usage = """
        USAGE: wasix-run spec [--verbose] [--commands TYPE,...] [--in-scope] PATH...
               wasix-run validate FILE.wasm

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
            printError("error: running modules comes with the interpreter; try `wasix-run spec` or `wasix-run validate`")
            return 2
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
