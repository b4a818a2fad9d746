/// Helpers that build binary modules by hand for the tests.
enum Encoding {
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

    static func uleb(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value != 0 { byte |= 0x80 }
            bytes.append(byte)
        } while value != 0
        return bytes
    }

    static func section(_ id: UInt8, _ content: [UInt8]) -> [UInt8] {
        [id] + uleb(UInt64(content.count)) + content
    }

    static func vector(_ items: [[UInt8]]) -> [UInt8] {
        uleb(UInt64(items.count)) + items.flatMap { $0 }
    }

    static func name(_ text: String) -> [UInt8] {
        uleb(UInt64(text.utf8.count)) + Array(text.utf8)
    }

    static func module(_ sections: [UInt8]...) -> [UInt8] {
        header + sections.flatMap { $0 }
    }

    /// A type section with one function type.
    static func typeSection(params: [UInt8] = [], results: [UInt8] = []) -> [UInt8] {
        section(1, vector([[0x60] + vector(params.map { [$0] }) + vector(results.map { [$0] })]))
    }

    /// A module with one function of type `[params] -> [results]`, the given locals and body (final `end`
    /// included), exported as "f".
    static func function(params: [UInt8] = [], results: [UInt8] = [], locals: [[UInt8]] = [], body: [UInt8]) -> [UInt8] {
        let code = vector(locals) + body
        return module(
            typeSection(params: params, results: results),
            section(3, vector([[0]])),
            section(7, vector([name("f") + [0, 0]])),
            section(10, vector([uleb(UInt64(code.count)) + code])))
    }
}
