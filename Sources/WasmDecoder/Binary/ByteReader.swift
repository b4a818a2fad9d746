/// A cursor over a module's bytes that reports every failure with its absolute offset.
///
/// Like the spec's reference decoder, a reader inside a section or function body may read past the region's
/// declared end: the decoder compares the position with `regionEnd` afterwards ("section size mismatch"). Only
/// the end of the module stops a read: "unexpected end of section or function" inside a region, "unexpected
/// end" outside one.
public struct ByteReader: Sendable {
    /// The whole module.
    public let bytes: [UInt8]
    /// Absolute offset of the next byte to read.
    public internal(set) var position: Int
    /// Absolute offset one past the last byte that may be read: the end of the module.
    public let limit: Int
    /// Absolute offset one past the declared end of the current region (the module's end outside any region).
    public let regionEnd: Int
    /// Whether this reader is confined to a section or function body rather than the whole module.
    public let isRegion: Bool

    public init(bytes: [UInt8], position: Int = 0, regionEnd: Int? = nil) {
        self.bytes = bytes
        self.position = position
        self.limit = bytes.count
        self.regionEnd = regionEnd ?? bytes.count
        self.isRegion = regionEnd != nil
    }

    /// Whether everything up to the region's declared end has been read.
    public var isAtEnd: Bool { position >= regionEnd }

    /// The error for a read that runs past the end of the module.
    func endError(at offset: Int) -> DecodeError {
        DecodeError(isRegion ? .unexpectedEndOfSectionOrFunction : .unexpectedEnd, at: offset)
    }

    /// Reads one byte.
    @inline(__always)
    public mutating func readByte() throws(DecodeError) -> UInt8 {
        guard position < limit else { throw endError(at: position) }
        let byte = bytes[position]
        position += 1
        return byte
    }

    /// Reads `count` raw bytes.
    public mutating func readBytes(_ count: Int) throws(DecodeError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= limit - position else { throw endError(at: position) }
        let slice = bytes[position..<position + count]
        position += count
        return slice
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: Int) throws(DecodeError) {
        guard count >= 0, count <= limit - position else { throw endError(at: position) }
        position += count
    }

    /// Reads a little-endian fixed-width integer of `byteCount` bytes.
    public mutating func readFixed(byteCount: Int) throws(DecodeError) -> UInt64 {
        guard byteCount <= limit - position else { throw endError(at: position) }
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
        try checkRemaining(count, minimumElementSize: minimumElementSize, countOffset: start)
        return count
    }

    /// Checks that `count` elements of at least `minimumElementSize` bytes each fit in the bytes left; the count
    /// was read at `countOffset`.
    public func checkRemaining(_ count: Int, minimumElementSize: Int = 1, countOffset: Int) throws(DecodeError) {
        if count * minimumElementSize > limit - position {
            throw endError(at: countOffset)
        }
    }

    /// Reads a name: a length-prefixed UTF-8 string.
    public mutating func readName() throws(DecodeError) -> String {
        let start = position
        let length = Int(try readVarUInt32())
        guard length <= limit - position else { throw DecodeError(.lengthOutOfBounds, at: start) }
        let slice = bytes[position..<position + length]
        guard let name = String(validating: slice, as: UTF8.self) else {
            throw DecodeError(.malformedUTF8, at: start)
        }
        position += length
        return name
    }

    /// A reader for a region of `length` bytes that starts here; this reader skips the region.
    public mutating func subReader(length: Int) throws(DecodeError) -> ByteReader {
        guard length >= 0, length <= limit - position else { throw DecodeError(.lengthOutOfBounds, at: position) }
        let sub = ByteReader(bytes: bytes, position: position, regionEnd: position + length)
        position += length
        return sub
    }

    /// Checks that a region was read exactly to its declared end.
    public func checkRegionEnd() throws(DecodeError) {
        guard position == regionEnd else { throw DecodeError(.sectionSizeMismatch, at: position) }
    }
}
