import Wasix

/// The command line of a run: `wasix-run [run] [OPTIONS] FILE.wasm [ARGS...]`, in wasmtime's and wasmer's
/// conventions. Every option is one row of `RunOptions.table`, which gives both the parser and the help text.
struct RunOptions {
    var file = ""
    var arguments: [String] = []
    /// `--argv0`: the program's name in its `argv[0]` (default: FILE as given).
    var argv0: String?
    var invoke: String?
    var preopens: [WasixConfiguration.Preopen] = []
    var environment: [String] = []
    var commands: [String: String] = [:]
    var maxProcesses: Int?
    var maxThreads: Int?
    var maxOpenFiles: Int?
    var forkMode = WasixConfiguration.ForkMode.native
    /// `--trap-unknown-imports`: link function imports we lack to functions that trap.
    var trapsUnknownImports = false
    var strictIndirectCalls = false
    var network = NetworkAccess()
    var limits = Store.ResourceLimits()
    /// `--trace[=PATTERNS]`: the patterns (empty for every call), and `--trace-file`.
    var trace: [String]?
    var workingDirectory: String?
    var traceFile: String?
    /// `--profile[=FILE]`: where the folded stacks go.
    var profile: String?
    /// `--max-memory`: the bytes all linear memories of the run may hold together (default: half the RAM).
    var memoryBudget = Int(clamping: HostSystem.physicalMemory / 2)
    /// `--stats`: report the peak memory at exit.
    var reportsStats = false

    /// One option: its spellings (the first is the one the help shows), the value it takes (nil for a flag)
    /// and what it means, and what it does to the options.
    struct Option: Sendable {
        var names: [String]
        var value: String?
        var help: String
        /// Throws `UsageError`.
        var apply: @Sendable (inout RunOptions, String) throws -> Void
    }

    /// Every option of a run. wasmtime's `-W KEY=VALUE` and `-S KEY[=VALUE]` forms are rows too, named
    /// `-W fuel` and so on, as aliases of ours.
    static let table: [Option] = [
        Option(names: ["--dir"], value: "HOST[::GUEST]", help: """
            let the guest use host directory HOST, at path GUEST (default: HOST) (wasmtime's form)
            """) { options, value in
            let parts = value.split(separator: "::", omittingEmptySubsequences: false)
            guard parts.count <= 2, !parts[0].isEmpty, parts.last?.isEmpty == false else {
                throw UsageError("--dir takes HOST or HOST::GUEST")
            }
            options.preopens.append(.init(guestPath: String(parts.count == 2 ? parts[1] : parts[0]), hostPath: String(parts[0])))
        },
        Option(names: ["--mapdir"], value: "GUEST:HOST", help: """
            let the guest use host directory HOST at path GUEST; GUEST::HOST too (wasmer's forms)
            """) { options, value in
            let separator = value.firstRange(of: "::") ?? value.firstRange(of: ":")
            guard let separator, separator.lowerBound != value.startIndex, separator.upperBound != value.endIndex else {
                throw UsageError("--mapdir takes GUEST:HOST or GUEST::HOST")
            }
            options.preopens.append(.init(guestPath: String(value[..<separator.lowerBound]),
                                          hostPath: String(value[separator.upperBound...])))
        },
        Option(names: ["--volume"], value: "HOST:GUEST", help: "the same, host first (wasmer's --volume)") { options, value in
            guard let separator = value.firstIndex(of: ":"), separator != value.startIndex,
                  value.index(after: separator) != value.endIndex else { throw UsageError("--volume takes HOST:GUEST") }
            options.preopens.append(.init(guestPath: String(value[value.index(after: separator)...]),
                                          hostPath: String(value[..<separator])))
        },
        Option(names: ["--cwd"], value: "DIR", help: "start a WASIX guest in directory DIR of its tree (default /)") {
            $0.workingDirectory = $1
        },
        Option(names: ["--env"], value: "NAME[=VALUE]", help: """
            set an environment variable for the guest; NAME alone passes on the host's value
            """) { options, value in
            guard !value.isEmpty, value.first != "=" else { throw UsageError("--env takes NAME=VALUE or NAME") }
            if value.contains("=") {
                options.environment.append(value)
            } else if let inherited = HostSystem.environment[value] {
                options.environment.append("\(value)=\(inherited)")
            }
        },
        Option(names: ["--forward-host-env", "-S inherit-env"], value: nil, help: "pass on the host's whole environment") {
            options, _ in
            let host = HostSystem.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            options.environment = host + options.environment
        },
        Option(names: ["--argv0"], value: "NAME", help: "the program's argv[0] (default: FILE as given)") { $0.argv0 = $1 },
        Option(names: ["--command"], value: "NAME=FILE", help: """
            let exec and spawn find FILE.wasm as NAME, and as /bin/NAME, which a shell's PATH search sees (unless /bin or / is mapped)
            """) {
            options, value in
            guard let separator = value.firstIndex(of: "="), separator != value.startIndex else {
                throw UsageError("--command takes NAME=FILE")
            }
            options.commands[String(value[..<separator])] = String(value[value.index(after: separator)...])
        },
        Option(names: ["--net", "-S inherit-network"], value: nil, help: "let the guest open sockets to any address") {
            options, _ in options.network.allowsAll = true
        },
        Option(names: ["-S tcp", "-S udp", "-S allow-ip-name-lookup"], value: nil, help: """
            accepted as wasmtime has them: TCP, UDP and name lookups are on whenever the network is (=n is refused)
            """) { _, _ in },
        Option(names: ["--net-allow"], value: "HOST:PORT", help: """
            let the guest bind, connect and send to this endpoint only (repeatable; `*` wildcards, `localhost`, \
            `[::1]:PORT`); without --net or this, no network
            """) { options, value in
            guard options.network.allow(value) else { throw UsageError("--net-allow takes HOST:PORT") }
        },
        Option(names: ["--fork-mode"], value: "MODE", help: """
            native (default: copy the interpreter's frames) or asyncify (unwind and rewind through the module's \
            asyncify exports, as wasmer does)
            """) { options, value in
            guard let mode = WasixConfiguration.ForkMode(rawValue: value) else {
                throw UsageError("--fork-mode takes native or asyncify")
            }
            options.forkMode = mode
        },
        Option(names: ["--trap-unknown-imports", "-W unknown-imports-trap"], value: nil, help: """
            link function imports the runtime does not provide (a host's own) to functions that trap when called,
            instead of refusing the module
            """) { options, _ in options.trapsUnknownImports = true },
        Option(names: ["--strict-indirect-calls"], value: nil, help: """
            trap on every call_indirect whose callee's type differs, as the spec says; by default a WASIX program's \
            call may reach a function of fewer parameters or other results, as C's cast function pointers do
            """) { options, _ in options.strictIndirectCalls = true },
        Option(names: ["--trace"], value: "[=PATTERNS]", help: """
            write a line per syscall to stderr, strace-style: pid and tid, name, decoded arguments, result and \
            time; PATTERNS (`proc_*,fd_*`) picks the calls
            """) { options, value in
            options.trace = value.split(separator: ",").map(String.init)
        },
        Option(names: ["--trace-file"], value: "FILE", help: "write the trace to FILE instead (implies --trace)") {
            options, value in
            options.traceFile = value
            options.trace = options.trace ?? []
        },
        Option(names: ["--profile"], value: "[=FILE]", help: """
            sample the guest's call stacks every millisecond; write them to FILE (default wasix-run.folded) as \
            folded stacks for flame-graph tools, or as a flame graph if FILE ends in .svg; the 20 hottest \
            functions go to stderr
            """) { options, value in
            options.profile = value.isEmpty ? "wasix-run.folded" : value
        },
        Option(names: ["--invoke"], value: "FUNCTION", help: """
            call this export instead (after `_initialize` in a reactor), with ARGS converted to its parameter \
            types, if it has any; print its results
            """) { $0.invoke = $1 },
        Option(names: ["--fuel", "-W fuel"], value: "N", help: "stop with a trap after N loop iterations and calls") {
            $0.limits.fuel = try number($1, "--fuel")
        },
        Option(names: ["--timeout", "-W timeout"], value: "SECONDS", help: """
            stop with a trap after this much wall-clock time (`1.5`, `500ms`, `2s`)
            """) { options, value in
            options.limits.timeout = try duration(value)
        },
        Option(names: ["--max-memory"], value: "SIZE", help: """
            let all the memories of the run's processes and threads hold SIZE bytes together (`512M`, `4G`; \
            default: half the machine's RAM): beyond it memory.grow returns -1 and fork and spawn fail with ENOMEM
            """) { options, value in
            options.memoryBudget = try size(value)
        },
        Option(names: ["--stats"], value: nil, help: "at exit, print the peak of the memories' bytes to stderr") {
            options, _ in options.reportsStats = true
        },
        Option(names: ["--max-memory-pages"], value: "N", help: """
            let no memory have or grow to more than N pages of 64 KiB (default 65536)
            """) {
            $0.limits.memoryPages = UInt64(try number($1, "--max-memory-pages"))
        },
        Option(names: ["-W max-memory-size"], value: "BYTES", help: "the same in bytes (wasmtime's form)") {
            $0.limits.memoryPages = UInt64(try number($1, "-W max-memory-size")) / 65536
        },
        Option(names: ["--max-table-elements", "-W max-table-elements"], value: "N", help: """
            let no table have or grow to more than N elements (default 10000000)
            """) { $0.limits.tableElements = UInt64(try number($1, "--max-table-elements")) },
        Option(names: ["--max-call-depth"], value: "N", help: """
            trap "call stack exhausted" beyond N nested calls (default 100000)
            """) { $0.limits.callDepth = try number($1, "--max-call-depth") },
        Option(names: ["--max-stack-slots"], value: "N", help: "size of the value stack in 8-byte slots (default 4194304)") {
            $0.limits.stackSlots = try number($1, "--max-stack-slots")
        },
        Option(names: ["--max-processes"], value: "N", help: "let fork and spawn fail with EAGAIN beyond N processes (default 256)") {
            $0.maxProcesses = try number($1, "--max-processes")
        },
        Option(names: ["--max-threads"], value: "N", help: "let thread spawns fail with EAGAIN beyond N threads a process (default 256)") {
            $0.maxThreads = try number($1, "--max-threads")
        },
        Option(names: ["--max-open-files"], value: "N", help: "let opens fail with EMFILE beyond N descriptors a process (default 1024)") {
            $0.maxOpenFiles = try number($1, "--max-open-files")
        },
    ]

    /// The options' help lines, for the usage text.
    static var help: String {
        table.map { option in
            let isSetting = option.names[0].hasPrefix("-W ") || option.names[0].hasPrefix("-S ")
            let spelling = option.names[0] + (option.value.map { $0.hasPrefix("[") ? $0 : (isSetting ? "=" : " ") + $0 } ?? "")
            let aliases = option.names.dropFirst().map { name in
                name.hasPrefix("-W ") || name.hasPrefix("-S ") ? name + (option.value.map { "=" + $0 } ?? "") : name
            }
            let text = option.help + (aliases.isEmpty ? "" : " [also \(aliases.joined(separator: ", "))]")
            return wrap(text, label: "  " + spelling)
        }.joined(separator: "\n")
    }

    /// Parses options up to the module file; everything after the file (or after `--`) belongs to the guest.
    init(_ words: [String]) throws(UsageError) {
        var rest = words[...]
        if rest.first == "run" { rest = rest.dropFirst() }  // wasmtime's and wasmer's `run` subcommand
        while let word = rest.first, word.hasPrefix("-") {
            rest = rest.dropFirst()
            if word == "--" { break }
            let (option, attached) = try Self.option(for: word, taking: &rest)
            let value: String
            if option.value == nil || option.value?.hasPrefix("[=") == true {
                value = attached ?? ""
            } else if let attached {
                value = attached
            } else if let next = rest.popFirst() {
                value = next
            } else {
                throw UsageError("\(word) needs a value: \(option.names[0]) \(option.value ?? "")")
            }
            do {
                try option.apply(&self, value)
            } catch let error as UsageError {
                throw error
            } catch {
                throw UsageError("\(word): \(error)")
            }
        }
        guard let file = rest.popFirst() else { throw UsageError("no module given") }
        self.file = file
        arguments = Array(rest)
    }

    /// The row for `word` (`--dir`, `--dir=X`, `-W fuel=N`, `-Wfuel=N`, `-S inherit-network`), and the value
    /// written in the same word, if any.
    private static func option(for word: String, taking rest: inout ArraySlice<String>) throws(UsageError)
        -> (Option, String?)
    {
        if word == "-W" || word == "-S" || word.hasPrefix("-W") || word.hasPrefix("-S") {
            let group = String(word.prefix(2))
            let setting = word.count > 2 ? String(word.dropFirst(2)) : rest.popFirst()
            guard let setting, !setting.isEmpty else { throw UsageError("\(group) needs KEY=VALUE") }
            let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
            let key = "\(group) \(parts[0])"
            guard let option = table.first(where: { $0.names.contains(key) }) else {
                throw UsageError("unsupported \(group) setting \(parts[0])")
            }
            if option.value == nil {
                // A switch: `-S inherit-network` or `-S inherit-network=y`; `=n` is the default already.
                let setting = parts.count > 1 ? parts[1] : "y"
                guard ["y", "yes", "true"].contains(setting) else {
                    throw UsageError(["n", "no", "false"].contains(setting)
                        ? "\(key)=\(setting) is not supported: leave it out" : "\(key) takes y or n")
                }
                return (option, nil)
            }
            guard parts.count == 2 else { throw UsageError("\(key) needs a value: \(key)=\(option.value ?? "")") }
            return (option, parts[1])
        }
        let (name, attached) = word.firstIndex(of: "=").map {
            (String(word[..<$0]), String(word[word.index(after: $0)...]))
        } ?? (word, nil)
        guard let option = table.first(where: { $0.names.contains(name) }) else {
            throw UsageError("unknown option \(name)")
        }
        if option.value == nil, attached != nil { throw UsageError("\(name) takes no value") }
        return (option, attached)
    }
}

/// A non-negative whole number given to `option`.
private func number(_ text: String, _ option: String) throws(UsageError) -> Int {
    guard let value = Int(text), value >= 0 else { throw UsageError("\(option) takes a whole number, not \"\(text)\"") }
    return value
}

/// A size in bytes: a number, with `K`, `M` or `G` (powers of 1024) if wanted.
private func size(_ text: String) throws(UsageError) -> Int {
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    let scale = text.last.flatMap { units[Character($0.uppercased())] } ?? 1
    let digits = scale == 1 ? text : String(text.dropLast())
    guard let value = Int(digits), value >= 0, value <= Int.max / scale else {
        throw UsageError("--max-memory takes a size such as 512M or 4G, not \"\(text)\"")
    }
    return value * scale
}

/// A positive duration: seconds (`1.5`), or with a unit (`500ms`, `2s`, `1m`), as wasmtime writes them.
private func duration(_ text: String) throws(UsageError) -> Duration {
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
    let (number, scale) = units.first { text.hasSuffix($0.0) }.map { (String(text.dropLast($0.0.count)), $0.1) }
        ?? (text, 1)
    guard let value = Double(number), value > 0 else { throw UsageError("--timeout takes seconds, not \"\(text)\"") }
    return .milliseconds(Int64(value * scale * 1000))
}

/// `text` wrapped to the usage's width, after `label` in a column of its own.
private func wrap(_ text: String, label: String) -> String {
    let column = 24, width = 114
    var lines: [String] = []
    var line = label.count < column - 1 ? padded(label, to: column) : label + "\n"
        + String(repeating: " ", count: column)
    var length = line.count - (line.lastIndex(of: "\n").map { line.distance(from: line.startIndex, to: $0) + 1 } ?? 0)
    for word in text.split(separator: " ") {
        if length + word.count > width, length > column {
            lines.append(line)
            line = String(repeating: " ", count: column)
            length = column
        }
        line += (length > column ? " " : "") + word
        length += (length > column ? 1 : 0) + word.count
    }
    lines.append(line)
    return lines.joined(separator: "\n")
}

/// `text` cut or padded with spaces to `width` UTF-16 units (as `NSString.padding(toLength:withPad:startingAt:)`).
func padded(_ text: String, to width: Int) -> String {
    let length = text.utf16.count
    if length == width { return text }
    if length < width { return text + String(repeating: " ", count: width - length) }
    return String(decoding: text.utf16.prefix(width), as: UTF16.self)
}

/// A command line that cannot be run.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
