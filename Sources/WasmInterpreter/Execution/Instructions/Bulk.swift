/// Table instructions and memory management (size, grow, fill, copy, init, drop).
extension ExecutionContext {
    func executeBulk(_ op: BulkOp, instance: Instance, fp: UnsafeMutablePointer<UInt64>) throws(Trap) {
        switch op {
        case .tableGet(let t, let base):
            let table = instance.tables[Int(t)]
            let index = fp[slot: base]
            guard index < UInt64(table.count) else { throw .outOfBoundsTableAccess }
            fp[slot: base] = table.elements[Int(index)]
        case .tableSet(let t, let base):
            let table = instance.tables[Int(t)]
            let index = fp[slot: base]
            guard index < UInt64(table.count) else { throw .outOfBoundsTableAccess }
            table.elements[Int(index)] = fp[slot: base + 1]
        case .tableSize(let t, let result):
            fp[slot: result] = UInt64(instance.tables[Int(t)].count)
        case .tableGrow(let t, let base):
            let table = instance.tables[Int(t)]
            let old = table.grow(by: fp[slot: base + 1], value: fp[slot: base])
            fp[slot: base] = old ?? (table.type.limits.addressType == .i32 ? UInt64(UInt32.max) : UInt64.max)
        case .tableFill(let t, let base):
            let table = instance.tables[Int(t)]
            let (start, value, count) = (fp[slot: base], fp[slot: base + 1], fp[slot: base + 2])
            guard start <= UInt64(table.count), count <= UInt64(table.count) - start else {
                throw .outOfBoundsTableAccess
            }
            for i in Int(start)..<Int(start + count) { table.elements[i] = value }
        case .tableCopy(let d, let s, let base):
            let (destination, source) = (instance.tables[Int(d)], instance.tables[Int(s)])
            let (to, from, count) = (fp[slot: base], fp[slot: base + 1], fp[slot: base + 2])
            guard from <= UInt64(source.count), count <= UInt64(source.count) - from,
                  to <= UInt64(destination.count), count <= UInt64(destination.count) - to
            else { throw .outOfBoundsTableAccess }
            let values = source.elements[Int(from)..<Int(from + count)]
            destination.elements.replaceSubrange(Int(to)..<Int(to + count), with: values)
        case .tableInit(let e, let t, let base):
            try instance.initializeTable(Int(t), from: Int(e), destination: fp[slot: base],
                                         source: UInt64(UInt32(truncatingIfNeeded: fp[slot: base + 1])),
                                         count: UInt64(UInt32(truncatingIfNeeded: fp[slot: base + 2])))
        case .elementDrop(let e):
            instance.elements[Int(e)] = []
        case .memorySize(let m, let result):
            fp[slot: result] = instance.memories[Int(m)].pageCount
        case .memoryGrow(let m, let base):
            let memory = instance.memories[Int(m)]
            let old = memory.grow(by: fp[slot: base])
            fp[slot: base] = old ?? (memory.type.limits.addressType == .i32 ? UInt64(UInt32.max) : UInt64.max)
        case .memoryFill(let m, let base):
            let memory = instance.memories[Int(m)]
            let (start, value, count) = (fp[slot: base], UInt8(truncatingIfNeeded: fp[slot: base + 1]), fp[slot: base + 2])
            let size = UInt64(memory.byteCount)
            guard start <= size, count <= size - start else { throw .outOfBoundsMemoryAccess }
            (memory.state.pointee.base + Int(start)).initializeMemory(as: UInt8.self, repeating: value, count: Int(count))
        case .memoryCopy(let d, let s, let base):
            try instance.copyMemory(Int(d), to: fp[slot: base], from: Int(s), at: fp[slot: base + 1],
                                    count: fp[slot: base + 2])
        case .memoryInit(let data, let m, let base):
            try instance.initializeMemory(Int(m), from: Int(data), destination: fp[slot: base],
                                          source: UInt64(UInt32(truncatingIfNeeded: fp[slot: base + 1])),
                                          count: UInt64(UInt32(truncatingIfNeeded: fp[slot: base + 2])))
        case .dataDrop(let d):
            instance.data[Int(d)] = []
        }
    }
}

extension Instance {
    /// `memory.copy`: copies `count` bytes at `source` of memory `from` to `destination` of memory `to`.
    /// A function of its own: written inline in `executeBulk`, a release build (Swift 6.3.1) threw a garbage trap
    /// for a copy between memories other than 0 and 0 (the spec suite's memory_copy0/1; `.ci/run` runs the suite
    /// on a release build for such things).
    func copyMemory(_ to: Int, to destination: UInt64, from: Int, at source: UInt64, count: UInt64) throws(Trap) {
        let (target, origin) = (memories[to], memories[from])
        guard source <= UInt64(origin.byteCount), count <= UInt64(origin.byteCount) - source,
              destination <= UInt64(target.byteCount), count <= UInt64(target.byteCount) - destination
        else { throw .outOfBoundsMemoryAccess }
        (target.state.pointee.base + Int(destination))
            .copyMemory(from: origin.state.pointee.base + Int(source), byteCount: Int(count))
    }

    /// `table.init`: copies `count` references of element segment `segment` from `source` to table slot
    /// `destination`.
    func initializeTable(_ table: Int, from segment: Int, destination: UInt64, source: UInt64, count: UInt64) throws(Trap) {
        let target = tables[table]
        let elements = self.elements[segment]
        guard source <= UInt64(elements.count), count <= UInt64(elements.count) - source,
              destination <= UInt64(target.count), count <= UInt64(target.count) - destination
        else { throw .outOfBoundsTableAccess }
        target.elements.replaceSubrange(Int(destination)..<Int(destination + count),
                                        with: elements[Int(source)..<Int(source + count)])
    }

    /// `memory.init`: copies `count` bytes of data segment `segment` from `source` to memory address `destination`.
    func initializeMemory(_ memory: Int, from segment: Int, destination: UInt64, source: UInt64, count: UInt64) throws(Trap) {
        let target = memories[memory]
        let bytes = data[segment]
        guard source <= UInt64(bytes.count), count <= UInt64(bytes.count) - source,
              destination <= UInt64(target.byteCount), count <= UInt64(target.byteCount) - destination
        else { throw .outOfBoundsMemoryAccess }
        let start = bytes.startIndex + Int(source)
        bytes[start..<start + Int(count)].withUnsafeBytes { raw in
            if let from = raw.baseAddress {
                (target.state.pointee.base + Int(destination)).copyMemory(from: from, byteCount: Int(count))
            }
        }
    }
}
