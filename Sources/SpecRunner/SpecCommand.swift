/// One script of the spec test suite in wast2json's JSON command format (see ../shared/wasm-testsuite/README.md).
struct SpecScript {
    var commands: [SpecCommand]

    /// A script whose JSON is not of the expected shape: which member, and what is wrong with it.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    init(json: JSON) throws(Malformed) {
        let fields = try Fields(json, "script")
        commands = try fields.required("commands") { value throws(Malformed) in
            try Fields.array(value, "commands") { element throws(Malformed) in try SpecCommand(json: element) }
        }
    }
}

/// One command of a spec script. Fields that only some command types carry are optional.
struct SpecCommand {
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

    init(json: JSON) throws(SpecScript.Malformed) {
        let fields = try Fields(json, "command")
        type = try fields.required("type", Fields.string)
        line = try fields.required("line", Fields.integer)
        filename = try fields.optional("filename", Fields.string)
        text = try fields.optional("text", Fields.string)
        moduleType = try fields.optional("module_type", Fields.string)
        name = try fields.optional("name", Fields.string)
        `as` = try fields.optional("as", Fields.string)
        action = try fields.optional("action") { value throws(SpecScript.Malformed) in try SpecAction(json: value) }
        expected = try fields.optional("expected", SpecValue.list)
        either = try fields.optional("either", SpecValue.list)
        definition = try fields.optional("definition", Fields.string)
        instance = try fields.optional("instance", Fields.string)
    }
}

/// An `invoke` or `get` action.
struct SpecAction {
    var type: String
    var field: String
    var module: String?
    var args: [SpecValue]?

    init(type: String, field: String, module: String? = nil, args: [SpecValue]? = nil) {
        self.type = type
        self.field = field
        self.module = module
        self.args = args
    }

    init(json: JSON) throws(SpecScript.Malformed) {
        let fields = try Fields(json, "action")
        type = try fields.required("type", Fields.string)
        field = try fields.required("field", Fields.string)
        module = try fields.optional("module", Fields.string)
        args = try fields.optional("args", SpecValue.list)
    }
}

/// A typed value: a decimal string, a list of lane strings for `v128`, or absent for "any non-null reference".
struct SpecValue {
    var type: String
    var laneType: String?
    var scalar: String?
    var lanes: [String]?

    init(json: JSON) throws(SpecScript.Malformed) {
        let fields = try Fields(json, "value")
        type = try fields.required("type", Fields.string)
        laneType = try fields.optional("lane_type", Fields.string)
        if case .array = fields.members["value"] {
            lanes = try fields.required("value") { value throws(SpecScript.Malformed) in
                try Fields.array(value, "value", Fields.string)
            }
        } else {
            scalar = try fields.optional("value", Fields.string)
        }
    }

    static func list(_ json: JSON) throws(SpecScript.Malformed) -> [SpecValue] {
        try Fields.array(json, "values") { element throws(SpecScript.Malformed) in try SpecValue(json: element) }
    }
}

/// The members of one JSON object, read as a `Decodable` type would read them: a missing required member, or one
/// of the wrong type, is an error; an optional member may be missing or `null`.
private struct Fields {
    let members: [String: JSON]
    let what: String

    init(_ json: JSON, _ what: String) throws(SpecScript.Malformed) {
        guard case .object(let members) = json else { throw SpecScript.Malformed(description: "\(what) is not an object") }
        self.members = members
        self.what = what
    }

    func required<T>(_ key: String, _ read: (JSON) throws(SpecScript.Malformed) -> T) throws(SpecScript.Malformed) -> T {
        guard let value = members[key], value != .null else {
            throw SpecScript.Malformed(description: "\(what) has no \"\(key)\"")
        }
        return try read(value)
    }

    func optional<T>(_ key: String, _ read: (JSON) throws(SpecScript.Malformed) -> T) throws(SpecScript.Malformed) -> T? {
        guard let value = members[key], value != .null else { return nil }
        return try read(value)
    }

    static func string(_ json: JSON) throws(SpecScript.Malformed) -> String {
        guard case .string(let text) = json else { throw SpecScript.Malformed(description: "expected a string, found \(json)") }
        return text
    }

    static func integer(_ json: JSON) throws(SpecScript.Malformed) -> Int {
        guard case .number(let text) = json, let value = Int(text) else {
            throw SpecScript.Malformed(description: "expected an integer, found \(json)")
        }
        return value
    }

    static func array<T>(_ json: JSON, _ what: String, _ read: (JSON) throws(SpecScript.Malformed) -> T)
        throws(SpecScript.Malformed) -> [T]
    {
        guard case .array(let elements) = json else { throw SpecScript.Malformed(description: "\(what) is not an array") }
        var result: [T] = []
        result.reserveCapacity(elements.count)
        for element in elements { result.append(try read(element)) }
        return result
    }
}
