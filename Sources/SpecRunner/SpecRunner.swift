#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WasmInterpreter

/// Runs spec test scripts (`.json` from wast2json) and counts what passes.
///
/// A command passes when the engine does what the command asserts. Commands this runner cannot check yet
/// count as failed, except modules in the text format, which are skipped with that reason. Modules that need
/// the GC proposal are rejected with "unsupported feature: gc" and counted on their own.
public struct SpecRunner {
    /// Command types to run; others are not counted at all. `nil` runs every command.
    public var commandFilter: Set<String>?

    public init(commandFilter: Set<String>? = nil) {
        self.commandFilter = commandFilter
    }

    /// Whether the filter selects only decoding and validation commands, so modules need not be instantiated.
    var checksOnlyDecoding: Bool {
        commandFilter?.isSubset(of: ["module", "assert_malformed", "assert_invalid"]) ?? false
    }

    /// The outcome of one script.
    public struct FileResult: Sendable {
        public var path: String
        public var passed = 0
        public var failed = 0
        /// Text-format modules, which need a WAT parser.
        public var skippedText = 0
        /// Modules rejected because they need a feature this runtime lacks, by feature name.
        public var unsupported: [String: Int] = [:]
        /// Rejections with the right kind of error but another message than the spec's.
        public var messageMismatches = 0
        /// Passed and failed counts per command type.
        public var byCommand: [String: (passed: Int, failed: Int)] = [:]
        /// One line per failing command.
        public var failures: [String] = []
        /// Lines for passing rejections whose message differs from the spec's.
        public var mismatches: [String] = []

        /// The per-file summary line.
        public var summary: String {
            var line = "\(path): \(passed) passed, \(failed) failed"
            if skippedText > 0 { line += ", \(skippedText) skipped (text format)" }
            for (feature, count) in unsupported.sorted(by: { $0.key < $1.key }) {
                line += ", \(count) unsupported (\(feature))"
            }
            return line
        }
    }

    /// Feature tags of the suite's MANIFEST.tsv that this runtime implements.
    public static let inScopeFeatures: Set<String> = [
        "mvp", "2.0-simd", "2.0-bulk", "2.0-reftypes", "threads", "3.0-tailcall", "3.0-memory64",
        "3.0-multimemory", "3.0-exceptions", "3.0-funcref", "3.0-relaxed-simd",
    ]

    /// The scripts of the suite at `root` whose MANIFEST.tsv feature tag is in scope, as paths under `root`.
    public static func inScopeScripts(suiteRoot root: String) -> [String] {
        guard let bytes = try? FileError.contents(of: joinPath(root, "MANIFEST.tsv")),
              let manifest = String(validating: bytes, as: UTF8.self) else { return [] }
        return manifest.split(separator: "\n").dropFirst().compactMap { line in
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count > 3, inScopeFeatures.contains(String(columns[3])) else { return nil }
            return joinPath(root, String(columns[1]))
        }
    }

    /// Expands directories into the `.json` scripts below them, sorted.
    public static func scripts(in paths: [String]) -> [String] {
        var result: [String] = []
        for path in paths {
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                result.append(path)
                continue
            }
            result += entries(below: path).filter { $0.hasSuffix(".json") }.sorted().map { joinPath(path, $0) }
        }
        return result
    }

    /// The paths of everything below the directory `root`, relative to it; symlinks to directories are listed but
    /// not entered.
    private static func entries(below root: String) -> [String] {
        var found: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            guard let directory = opendir(relative.isEmpty ? root : joinPath(root, relative)) else { continue }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != ".", name != ".." else { continue }
                let path = relative.isEmpty ? name : relative + "/" + name
                found.append(path)
                var info = stat()
                if lstat(joinPath(root, path), &info) == 0, info.st_mode & S_IFMT == S_IFDIR { pending.append(path) }
            }
            closedir(directory)
        }
        return found
    }

    /// `component` appended to the path `base` with one slash between them (`NSString.appendingPathComponent`).
    static func joinPath(_ base: String, _ component: String) -> String {
        var base = base
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        var component = Substring(component)
        while component.hasPrefix("/") { component.removeFirst() }
        while component.count > 1 && component.hasSuffix("/") { component.removeLast() }
        if base.isEmpty { return String(component) }
        if component.isEmpty { return base }
        return base == "/" ? "/" + component : base + "/" + component
    }

    /// The path of the directory holding `path` (`NSString.deletingLastPathComponent`): "" for a bare name.
    static func directory(of path: String) -> String {
        var path = Substring(path)
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        var directory = path[..<slash]
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        return String(directory)
    }

    /// Runs one script.
    public func run(scriptAt path: String) -> FileResult {
        var result = FileResult(path: path)
        let directory = Self.directory(of: path)
        let script: SpecScript
        do {
            script = try SpecScript(json: JSON.parse(FileError.contents(of: path)))
        } catch {
            result.failed += 1
            result.failures.append("\(path): cannot read script: \(error)")
            return result
        }
        // The threads proposal's scripts predate multi-memory and reference types (see the suite's README).
        let features: WasmFeatures = path.contains("proposals/threads") ? [] : .all
        let session = SpecSession(features: features)
        for command in script.commands {
            if let commandFilter, !commandFilter.contains(command.type) { continue }
            let outcome = run(command, directory: directory, session: session)
            record(outcome, of: command, into: &result)
        }
        return result
    }

    enum Outcome {
        case passed
        case passedWithOtherMessage(String)
        case failed(String)
        case skippedText
        case unsupported(String)
    }

    private func record(_ outcome: Outcome, of command: SpecCommand, into result: inout FileResult) {
        var counts = result.byCommand[command.type] ?? (0, 0)
        switch outcome {
        case .passed:
            result.passed += 1
            counts.passed += 1
        case .passedWithOtherMessage(let message):
            result.passed += 1
            counts.passed += 1
            result.messageMismatches += 1
            result.mismatches.append(
                "line \(command.line) \(command.type): expected \"\(command.text ?? "")\", got \"\(message)\"")
        case .failed(let reason):
            result.failed += 1
            counts.failed += 1
            result.failures.append("line \(command.line) \(command.type): \(reason)")
        case .skippedText:
            result.skippedText += 1
        case .unsupported(let feature):
            result.unsupported[feature, default: 0] += 1
        }
        result.byCommand[command.type] = counts
    }

    private func loadBytes(_ command: SpecCommand, directory: String) -> [UInt8]? {
        guard let filename = command.filename else { return nil }
        return try? FileError.contents(of: Self.joinPath(directory, filename))
    }

    private func run(_ command: SpecCommand, directory: String, session: SpecSession) -> Outcome {
        if let action = command.action, let feature = session.unsupportedFeature(for: action) {
            return .unsupported(feature)
        }
        switch command.type {
        case "module", "assert_malformed", "assert_invalid", "assert_unlinkable", "assert_uninstantiable":
            if command.moduleType == "text" { return .skippedText }
            guard let bytes = loadBytes(command, directory: directory) else {
                return .failed("cannot read \(command.filename ?? "module")")
            }
            return check(command, bytes: bytes, session: session)
        case "instance":
            guard let definition = command.definition.flatMap({ session.definitions[$0] }) else {
                return .failed("no module definition \(command.definition ?? "")")
            }
            do {
                _ = try session.instantiate(definition, name: command.instance)
                return .passed
            } catch {
                return .failed("instantiation failed: \(error)")
            }
        case "register":
            if let feature = session.unsupportedFeature(for: SpecAction(type: "register", field: "", module: command.name)) {
                return .unsupported(feature)
            }
            guard let instance = session.instance(named: command.name), let name = command.as else {
                return .failed("nothing to register")
            }
            session.imports.define(module: name, exportsOf: instance)
            return .passed
        case "action":
            guard let action = command.action else { return .failed("no action") }
            do {
                _ = try session.perform(action)
                return .passed
            } catch {
                return .failed("\(error)")
            }
        case "assert_return":
            return checkReturn(command, session: session)
        case "assert_trap", "assert_exhaustion", "assert_exception":
            return checkTrap(command, session: session)
        default:
            return .failed("\(command.type) is not supported by this runner")
        }
    }

    private func checkReturn(_ command: SpecCommand, session: SpecSession) -> Outcome {
        guard let action = command.action else { return .failed("no action") }
        let results: [Value]
        do {
            results = try session.perform(action)
        } catch {
            return .failed("\(action.field): \(error)")
        }
        if let either = command.either {
            guard results.count == 1, either.contains(where: { SpecValues.matches(results[0], $0) }) else {
                return .failed("\(action.field): got \(results), expected one of \(either.map(describe))")
            }
            return .passed
        }
        let expected = command.expected ?? []
        guard results.count == expected.count, zip(results, expected).allSatisfy({ SpecValues.matches($0, $1) }) else {
            return .failed("\(action.field): got \(results), expected \(expected.map(describe))")
        }
        return .passed
    }

    private func checkTrap(_ command: SpecCommand, session: SpecSession) -> Outcome {
        guard let action = command.action else { return .failed("no action") }
        do {
            let results = try session.perform(action)
            return .failed("\(action.field): returned \(results), expected \(command.text ?? "a trap")")
        } catch let error as TrapError {
            if command.type == "assert_exception" {
                if case .uncaughtException = error.trap { return .passed }
                return .failed("\(action.field): trapped with \(error.trap), expected an exception")
            }
            let expected = command.text ?? ""
            let message = error.trap.description
            return message.hasPrefix(expected) || expected.hasPrefix(message) ? .passed : .passedWithOtherMessage(message)
        } catch {
            return .failed("\(action.field): \(error)")
        }
    }

    private func describe(_ value: SpecValue) -> String {
        "\(value.type):\(value.scalar ?? value.lanes?.joined(separator: " ") ?? "any")"
    }

    private func check(_ command: SpecCommand, bytes: [UInt8], session: SpecSession) -> Outcome {
        let module: Module
        do {
            module = try ModuleDecoder.decode(bytes)
        } catch {
            if case .unsupportedFeature(let feature) = error.kind {
                if command.type == "module" { session.markUnsupported(feature, name: command.name) }
                return .unsupported(feature)
            }
            if command.type == "assert_malformed" { return matching(error.kind.message) }
            return .failed("decode error: \(error)")
        }
        let validated: ValidatedModule
        do {
            validated = try ModuleValidator.validate(module, features: session.features)
        } catch {
            if command.type == "assert_invalid" { return matching(error.message) }
            return .failed("validation error: \(error)")
        }
        switch command.type {
        case "assert_malformed": return .failed("decoded, but should be malformed: \(command.text ?? "")")
        case "assert_invalid": return .failed("validated, but should be invalid: \(command.text ?? "")")
        default: break
        }
        if checksOnlyDecoding { return .passed }
        if command.definition == "true" {
            if let name = command.name { session.definitions[name] = validated }
            return .passed
        }
        do {
            _ = try session.instantiate(validated, name: command.name)
            switch command.type {
            case "assert_unlinkable": return .failed("linked, but should not: \(command.text ?? "")")
            case "assert_uninstantiable": return .failed("instantiated, but should trap: \(command.text ?? "")")
            default: return .passed
            }
        } catch let error as InstantiationError {
            switch (command.type, error) {
            case ("assert_unlinkable", .link(let link)): return matching(link.message)
            case ("assert_uninstantiable", .trap(let trap)): return matching(trap.trap.description)
            default: return .failed("instantiation failed: \(error)")
            }
        } catch {
            return .failed("instantiation failed: \(error)")
        }

        func matching(_ message: String) -> Outcome {
            let expected = command.text ?? ""
            return message.hasPrefix(expected) || expected.hasPrefix(message) ? .passed : .passedWithOtherMessage(message)
        }
    }
}
