import Wasix

/// The command line of a run: `wasix-run [OPTIONS] FILE.wasm [ARGS...]`, in wasmtime's and wasmer's conventions.
struct RunOptions {
    var file = ""
    var arguments: [String] = []
    var invoke: String?
    var preopens: [WasixConfiguration.Preopen] = []
    var environment: [String] = []
    var commands: [String: String] = [:]
    var maxProcesses: Int?
    var maxThreads: Int?
    var maxOpenFiles: Int?
    var forkMode = WasixConfiguration.ForkMode.native
    var network = NetworkAccess()
    var limits = Store.ResourceLimits()
    /// `--trace[=PATTERNS]`: the patterns (empty for every call), and `--trace-file`.
    var trace: [String]?
    var workingDirectory: String?
    var traceFile: String?

    /// Parses options up to the module file; everything after the file belongs to the guest.
    init(_ words: [String]) throws(UsageError) {
        var rest = words[...]
        while let word = rest.first, word.hasPrefix("-") {
            rest = rest.dropFirst()
            func value() throws(UsageError) -> String {
                guard let value = rest.popFirst() else { throw UsageError("\(word) needs a value") }
                return value
            }
            if word == "--trace" || word.hasPrefix("--trace=") {
                trace = word == "--trace" ? [] : word.dropFirst("--trace=".count).split(separator: ",").map(String.init)
                continue
            }
            switch word {
            case "--trace-file":
                traceFile = try value()
                trace = trace ?? []
            case "--cwd":
                workingDirectory = try value()
            case "--dir":
                let path = try value()
                preopens.append(.init(guestPath: path, hostPath: path))
            case "--mapdir":
                let mapping = try value()
                guard let separator = mapping.range(of: "::") else { throw UsageError("--mapdir takes GUEST::HOST") }
                preopens.append(.init(guestPath: String(mapping[..<separator.lowerBound]),
                                      hostPath: String(mapping[separator.upperBound...])))
            case "--env":
                let assignment = try value()
                guard assignment.contains("=") else { throw UsageError("--env takes NAME=VALUE") }
                environment.append(assignment)
            case "--command":
                let assignment = try value()
                guard let separator = assignment.firstIndex(of: "=") else { throw UsageError("--command takes NAME=FILE") }
                commands[String(assignment[..<separator])] = String(assignment[assignment.index(after: separator)...])
            case "--net":
                network.allowsAll = true
            case "--net-allow":
                guard network.allow(try value()) else { throw UsageError("--net-allow takes HOST:PORT") }
            case "--fork-mode":
                guard let mode = WasixConfiguration.ForkMode(rawValue: try value()) else {
                    throw UsageError("--fork-mode takes native or asyncify")
                }
                forkMode = mode
            case "--max-processes":
                maxProcesses = try number(value(), word)
            case "--max-threads":
                maxThreads = try number(value(), word)
            case "--max-open-files":
                maxOpenFiles = try number(value(), word)
            case "--invoke":
                invoke = try value()
            case "--fuel":
                limits.fuel = try number(value(), word)
            case "--timeout":
                guard let seconds = Double(try value()), seconds > 0 else { throw UsageError("--timeout takes seconds") }
                limits.timeout = .milliseconds(Int64(seconds * 1000))
            case "--max-memory-pages":
                limits.memoryPages = UInt64(try number(value(), word))
            case "--max-table-elements":
                limits.tableElements = UInt64(try number(value(), word))
            case "--max-call-depth":
                limits.callDepth = try number(value(), word)
            case "--max-stack-slots":
                limits.stackSlots = try number(value(), word)
            case "--":
                break
            default:
                throw UsageError("unknown option \(word)")
            }
            if word == "--" { break }
        }
        guard let file = rest.popFirst() else { throw UsageError("no module given") }
        self.file = file
        arguments = Array(rest)
    }
}

/// A non-negative whole number given to `option`.
private func number(_ text: String, _ option: String) throws(UsageError) -> Int {
    guard let value = Int(text), value >= 0 else { throw UsageError("\(option) takes a whole number") }
    return value
}

/// A command line that cannot be run.
struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
