/// The `name` custom section (<https://webassembly.github.io/spec/core/appendix/custom.html#name-section>):
/// debug names for the module, its functions and their locals.
public struct NameSection: Hashable, Sendable {
    public var moduleName: String?
    public var functionNames: [FunctionIndex: String] = [:]
    public var localNames: [FunctionIndex: [LocalIndex: String]] = [:]

    static func decode(_ reader: inout ByteReader) throws(DecodeError) -> NameSection {
        var names = NameSection()
        while !reader.isAtEnd {
            let id = try reader.readByte()
            let size = Int(try reader.readVarUInt32())
            var sub = try reader.subReader(length: size)
            switch id {
            case 0: names.moduleName = try sub.readName()
            case 1: names.functionNames = try readNameMap(&sub)
            case 2:
                let count = try sub.readCount(minimumElementSize: 2)
                for _ in 0..<count {
                    let function = try sub.readVarUInt32()
                    names.localNames[function] = try readNameMap(&sub)
                }
            default: break
            }
        }
        return names
    }

    private static func readNameMap(_ reader: inout ByteReader) throws(DecodeError) -> [UInt32: String] {
        let count = try reader.readCount(minimumElementSize: 2)
        var map: [UInt32: String] = [:]
        for _ in 0..<count {
            let index = try reader.readVarUInt32()
            map[index] = try reader.readName()
        }
        return map
    }
}
