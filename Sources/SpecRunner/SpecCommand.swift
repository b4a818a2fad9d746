import Foundation

/// One script of the spec test suite in wast2json's JSON command format (see ../shared/wasm-testsuite/README.md).
struct SpecScript: Decodable {
    var commands: [SpecCommand]
}

/// One command of a spec script. Fields that only some command types carry are optional.
struct SpecCommand: Decodable {
    var type: String
    var line: Int
    var filename: String?
    var text: String?
    var moduleType: String?
    var name: String?

    enum CodingKeys: String, CodingKey {
        case type, line, filename, text, name
        case moduleType = "module_type"
    }
}
