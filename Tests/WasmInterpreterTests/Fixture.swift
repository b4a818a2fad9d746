import Foundation
import WasmInterpreter

/// The modules of Fixtures/interpreter, built from the `.wat` files beside them by Scripts/rebuild-fixtures.sh.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/interpreter")

    static func path(_ name: String) -> String { directory.appendingPathComponent("\(name).wasm").path }

    static func module(_ name: String) throws -> ValidatedModule {
        try ValidatedModule(contentsOfFile: path(name))
    }
}

/// A value that a host function sets and a test reads afterwards.
final class Box<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
