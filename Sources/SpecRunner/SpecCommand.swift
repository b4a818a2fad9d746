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
    /// `register`: the module name to register under.
    var `as`: String?
    var action: SpecAction?
    var expected: [SpecValue]?
    /// `assert_return` in relaxed SIMD: the result must equal one of these.
    var either: [SpecValue]?
    /// `module`: "true" when the module is only defined, not instantiated.
    var definition: String?
    /// `instance`: the new instance's name.
    var instance: String?

    enum CodingKeys: String, CodingKey {
        case type, line, filename, text, name, `as`, action, expected, either, definition, instance
        case moduleType = "module_type"
    }
}

/// An `invoke` or `get` action.
struct SpecAction: Decodable {
    var type: String
    var field: String
    var module: String?
    var args: [SpecValue]?
}

/// A typed value: a decimal string, a list of lane strings for `v128`, or absent for "any non-null reference".
struct SpecValue: Decodable {
    var type: String
    var laneType: String?
    var scalar: String?
    var lanes: [String]?

    enum CodingKeys: String, CodingKey {
        case type, value
        case laneType = "lane_type"
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        laneType = try container.decodeIfPresent(String.self, forKey: .laneType)
        if let lanes = try? container.decode([String].self, forKey: .value) {
            self.lanes = lanes
        } else {
            scalar = try container.decodeIfPresent(String.self, forKey: .value)
        }
    }
}
