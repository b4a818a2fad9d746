/// A cursor over a module's bytes that reports every failure with its absolute offset.
///
/// A reader may be confined to a region (a section or a function body) with `limit`; reading past that limit
/// is "unexpected end of section or function", reading past the module's end is "unexpected end".
public struct ByteReader: Sendable {
    /// The whole module.
    public let bytes: [UInt8]
    /// Absolute offset of the next byte to read.
    public internal(set) var position: Int
    /// Absolute offset one past the last byte this reader may read.
    public internal(set) var limit: Int
    /// Whether this reader is confined to a section or function body rather than the whole module.
    public let isRegion: Bool

    public init(bytes: [UInt8], position: Int = 0, limit: Int? = nil) {
        self.bytes = bytes
        self.position = position
        self.limit = limit ?? bytes.count
        self.isRegion = limit != nil
    }

    /// Whether every byte up to `limit` has been read.
    public var isAtEnd: Bool { position >= limit }

    /// The error for a read that needs `count` more bytes than are left.

    func endError(at offset: Int) -> DecodeError {
        DecodeError(isRegion ? .unexpectedEndOfSectionOrFunction : .unexpectedEnd, at: offset)
    }

    /// Reads one byte.

    public mutating func readByte() throws(DecodeError) -> UInt8 {
        guard position < limit else { throw endError(at: position) }
        let byte = bytes[position]
        position += 1
        return byte
    }

    /// Reads `count` raw bytes.
    public mutating func readBytes(_ count: Int) throws(DecodeError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= limit - position else { throw endError(at: limit) }
        let slice = bytes[position..<position + count]
        position += count
        return slice
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: Int) throws(DecodeError) {
        guard count >= 0, count <= limit - position else { throw endError(at: limit) }
        position += count
    }

    /// Reads a little-endian fixed-width integer of `byteCount` bytes.
    public mutating func readFixed(byteCount: Int) throws(DecodeError) -> UInt64 {
        guard byteCount <= limit - position else { throw endError(at: limit) }
        var value: UInt64 = 0
        for i in 0..<byteCount {
            value |= UInt64(bytes[position + i]) << (8 * UInt64(i))
        }
        position += byteCount
        return value
    }

    /// Reads a vector length and checks that at least `minimumElementSize` bytes per element remain,
    /// so that an absurd count is rejected before anything is allocated for it.
    public mutating func readCount(minimumElementSize: Int = 1) throws(DecodeError) -> Int {
        let start = position
        let count = Int(try readVarUInt32())
        if count * minimumElementSize > limit - position {
            throw endError(at: start)
        }
        return count
    }

    /// Reads a name: a length-prefixed UTF-8 string.
    public mutating func readName() throws(DecodeError) -> String {
        let start = position
        let length = Int(try readVarUInt32())
        guard length <= limit - position else { throw endError(at: start) }
        let slice = bytes[position..<position + length]
        guard let name = String(validating: slice, as: UTF8.self) else {
            throw DecodeError(.malformedUTF8, at: start)
        }
        position += length
        return name
    }

    /// A reader over the next `length` bytes, which this reader then skips.
    public mutating func subReader(length: Int) throws(DecodeError) -> ByteReader {
        guard length >= 0, length <= limit - position else { throw endError(at: position) }
        let sub = ByteReader(bytes: bytes, position: position, limit: position + length)
        position += length
        return sub
    }
}
