/// Proposals that change what validation accepts. All are on by default (Wasm 3.0 without GC); the spec
/// suite's threads files turn some off because they were written against the pre-2.0 rules.
public struct WasmFeatures: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// More than one memory per module.
    public static let multiMemory = WasmFeatures(rawValue: 1 << 0)
    /// More than one table per module (from the reference types proposal).
    public static let multipleTables = WasmFeatures(rawValue: 1 << 1)

    /// Everything this runtime implements.
    public static let all: WasmFeatures = [.multiMemory, .multipleTables]
}
