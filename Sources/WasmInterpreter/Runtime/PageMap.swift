#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A memory file: sparse, zero-filled, as large as the reservation of the memory it was made for, and mapped
/// copy-on-write by the memories whose pages it holds. While more than one memory maps it, nobody writes it.
final class PageFile: @unchecked Sendable {
    let descriptor: Int32
    /// How many memories map it.
    let mappers = Atomic<Int>(0)

    /// A new empty file of `size` bytes, or `nil` where there are no memory files (not Linux, or none left).
    init?(size: Int) {
        #if os(Linux)
        guard let create = Self.memfdCreate else { return nil }
        descriptor = create("wasm-memory", 1 /* MFD_CLOEXEC */)
        guard descriptor >= 0 else { return nil }
        guard ftruncate(descriptor, off_t(size)) == 0 else {
            close(descriptor)
            return nil
        }
        #else
        return nil
        #endif
    }

    deinit { close(descriptor) }

    #if os(Linux)
    private typealias MemfdCreate = @convention(c) (UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc's `memfd_create`, which the Glibc module does not export.
    private static let memfdCreate: MemfdCreate? = dlsym(dlopen(nil, RTLD_NOW), "memfd_create")
        .map { unsafeBitCast($0, to: MemfdCreate.self) }
    #endif

    /// Copies `range` of the memory mapped at `base` into the same range of this file.
    func write(from base: UnsafeMutableRawPointer, _ range: Range<Int>) -> Bool {
        var done = 0
        while done < range.count {
            let written = pwrite(descriptor, base + range.lowerBound + done, range.count - done,
                                 off_t(range.lowerBound + done))
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { return false }
            done += written
        }
        return true
    }
}

/// Which memory file each page of a file-backed memory's reservation comes from: runs of pages, each mapped
/// private (copy-on-write) from one file at the same offset as in the memory. A new memory is one file mapped
/// shared, so its writes land in the file; a clone turns that into a private mapping in both memories and from
/// then on each fork writes what its memory changed since the last one into a file, which both map.
/// docs/RATIONALE.md, "Copy-on-write fork", says why and what it costs.
struct PageMap {
    struct Run {
        var range: Range<Int>
        var file: PageFile
    }

    /// Sorted, adjacent, covering the reservation; neighbours have different files.
    private(set) var runs: [Run]
    /// Whether the one file is mapped shared (the memory has never been cloned).
    private(set) var writesThrough: Bool
    /// How many runs a memory may have before a clone flattens them into one new file, keeping the mappings a
    /// host process holds (`vm.max_map_count`, 65,530 by default) well below the limit.
    static let runLimit = 128
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Maps a new memory file of `size` bytes shared, or returns `nil` (the caller falls back to anonymous memory).
    static func create(size: Int) -> (base: UnsafeMutableRawPointer, map: PageMap)? {
        guard let file = PageFile(size: size) else { return nil }
        let base = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, file.descriptor, 0)
        guard let base, base != MAP_FAILED else { return nil }
        file.mappers.add(1, ordering: .relaxed)
        return (base, PageMap(runs: [Run(range: 0..<size, file: file)], writesThrough: true))
    }

    /// Prepares a clone of the memory this map describes at `base`, whose first `size` bytes are in use, and
    /// returns the clone's map: afterwards the files hold the memory's contents, which from then on neither
    /// memory writes into them. With `exclusive`, no other thread writes the memory meanwhile, so pages it
    /// changed can be remapped from the file they were saved to; otherwise the clone gets a copy in a file of
    /// its own. `nil` if the host refuses a file or a mapping (the clone fails; this memory stays as it was).
    mutating func prepareClone(base: UnsafeMutableRawPointer, size: Int, exclusive: Bool) -> PageMap? {
        let used = 0..<min(Self.roundedUp(size), reservation)
        if writesThrough {
            // Everything is in the file; from now on this memory's writes stay its own. Writes racing the remap
            // land in the file before it or in private pages after it, so other threads may go on.
            guard remap(base, runs[0].range, from: runs[0].file) else { return nil }
            writesThrough = false
            return self
        }
        guard exclusive else {
            guard let copy = PageFile(size: reservation), copy.write(from: base, used) else { return nil }
            return PageMap(runs: [Run(range: 0..<reservation, file: copy)], writesThrough: false)
        }
        let written = Self.privatePages(base: base, range: used) ?? [used]
        if written.isEmpty { return self }
        let files = distinctFiles
        let file: PageFile, saved: [Range<Int>], remapped: [Range<Int>]
        if files.allSatisfy({ $0.mappers.load(ordering: .relaxed) == 1 }) {
            // Nobody else maps our files: the first takes what we wrote and what the others hold.
            file = runs[0].file
            let elsewhere = runs.filter { $0.file !== file }.map(\.range)
            saved = Self.union(written + elsewhere.map { $0.clamped(to: used) })
            remapped = Self.union(written + elsewhere)
        } else {
            // Others map them: what we wrote goes to a new file, or everything does past the run limit.
            guard let new = PageFile(size: reservation) else { return nil }
            file = new
            let flatten = runs.count + written.count > Self.runLimit
            saved = flatten ? [used] : written
            remapped = flatten ? [0..<reservation] : written
            file.mappers.add(1, ordering: .relaxed)
        }
        for range in saved where !file.write(from: base, range) { return nil }
        var complete = true
        for range in remapped {
            guard remap(base, range, from: file) else {
                complete = false
                break
            }
            replace(range, with: file)
        }
        for old in files + [file] where !runs.contains(where: { $0.file === old }) {
            old.mappers.subtract(1, ordering: .relaxed)
        }
        return complete ? self : nil
    }

    /// Maps this map's runs, private, over the reservation at `base`, as a memory of its own: a clone's.
    func map(at base: UnsafeMutableRawPointer) -> Bool {
        for run in runs where !remap(base, run.range, from: run.file) { return false }
        for file in distinctFiles { file.mappers.add(1, ordering: .relaxed) }
        return true
    }

    /// Forgets the files, for a memory being freed (after it is unmapped).
    func release() {
        for file in distinctFiles { file.mappers.subtract(1, ordering: .relaxed) }
    }

    private var reservation: Int { runs.last?.range.upperBound ?? 0 }

    private var distinctFiles: [PageFile] {
        var files: [PageFile] = []
        for run in runs where !files.contains(where: { $0 === run.file }) { files.append(run.file) }
        return files
    }

    /// Maps `range` of the reservation at `base` private from the same range of `file`.
    private func remap(_ base: UnsafeMutableRawPointer, _ range: Range<Int>, from file: PageFile) -> Bool {
        let mapped = mmap(base + range.lowerBound, range.count, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_FIXED | MAP_NORESERVE, file.descriptor, off_t(range.lowerBound))
        return mapped != MAP_FAILED
    }

    /// Makes `range` come from `file`, cutting the runs it overlaps and joining neighbours of the same file.
    private mutating func replace(_ range: Range<Int>, with file: PageFile) {
        var pieces = [Run(range: range, file: file)]
        for run in runs {
            let (lower, upper) = (run.range.lowerBound, run.range.upperBound)
            pieces.append(Run(range: lower..<max(lower, min(upper, range.lowerBound)), file: run.file))
            pieces.append(Run(range: min(upper, max(lower, range.upperBound))..<upper, file: run.file))
        }
        runs = []
        for piece in pieces.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) where !piece.range.isEmpty {
            if let last = runs.last, last.file === piece.file {
                runs[runs.count - 1].range = last.range.lowerBound..<piece.range.upperBound
            } else {
                runs.append(piece)
            }
        }
    }

    private static func roundedUp(_ size: Int) -> Int { (size + pageSize - 1) / pageSize * pageSize }

    /// Sorted, non-overlapping ranges covering `ranges`, neighbours joined.
    private static func union(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    /// The runs of pages in `range` of the mapping at `base` that are this host process's own (written since
    /// they were mapped, so no longer the file's), from the kernel's page table; `nil` if it cannot be read.
    private static func privatePages(base: UnsafeMutableRawPointer, range: Range<Int>) -> [Range<Int>]? {
        #if os(Linux)
        guard let descriptor = pagemap else { return nil }
        return scannedPages(descriptor, base: base, range: range) ?? readPages(descriptor, base: base, range: range)
        #else
        return nil
        #endif
    }

    #if os(Linux)
    /// This host process's page table (`/proc/self/pagemap`).
    private static let pagemap: Int32? = {
        let descriptor = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)
        return descriptor >= 0 ? descriptor : nil
    }()

    /// `struct pm_scan_arg` of the `PAGEMAP_SCAN` ioctl (Linux 6.7).
    private struct PageScan {
        var size = UInt64(MemoryLayout<PageScan>.size), flags: UInt64 = 0, start: UInt64, end: UInt64
        var walkEnd: UInt64 = 0, vector: UInt64, vectorLength: UInt64, maxPages: UInt64 = 0
        var categoryInverted: UInt64, categoryMask: UInt64, categoryAnyOf: UInt64, returnMask: UInt64
    }

    /// Private pages by `PAGEMAP_SCAN`, which skips what is not mapped in whole page tables at a time; `nil`
    /// where the kernel lacks it.
    private static func scannedPages(_ descriptor: Int32, base: UnsafeMutableRawPointer,
                                     range: Range<Int>) -> [Range<Int>]? {
        let isFile: UInt64 = 1 << 2, isPresent: UInt64 = 1 << 3, isSwapped: UInt64 = 1 << 4
        let start = UInt64(UInt(bitPattern: base) + UInt(range.lowerBound))
        let end = start + UInt64(range.count)
        var regions = [(start: UInt64, end: UInt64, categories: UInt64)](repeating: (0, 0, 0), count: 512)
        var result: [Range<Int>] = []
        var next = start
        while next < end {
            let found = regions.withUnsafeMutableBufferPointer { buffer -> Int32 in
                // Pages that are not the file's and are present or swapped out.
                var scan = PageScan(start: next, end: end, vector: UInt64(UInt(bitPattern: buffer.baseAddress)),
                                    vectorLength: UInt64(buffer.count), categoryInverted: isFile,
                                    categoryMask: isFile, categoryAnyOf: isPresent | isSwapped, returnMask: isFile)
                let count = ioctl(descriptor, 0xC060_6610 /* PAGEMAP_SCAN */, &scan)
                next = scan.walkEnd
                return count
            }
            guard found >= 0 else { return nil }
            for region in regions.prefix(Int(found)) {
                let lower = Int(region.start - start) + range.lowerBound, upper = Int(region.end - start) + range.lowerBound
                if let last = result.last, last.upperBound == lower {
                    result[result.count - 1] = last.lowerBound..<upper
                } else {
                    result.append(lower..<upper)
                }
            }
            if found == 0 && next < end { return nil }
        }
        return result
    }

    /// Private pages by reading the page table's 8-byte entries one page at a time.
    private static func readPages(_ descriptor: Int32, base: UnsafeMutableRawPointer,
                                  range: Range<Int>) -> [Range<Int>]? {
        let present: UInt64 = 1 << 63, swapped: UInt64 = 1 << 62, filePage: UInt64 = 1 << 61
        let first = (Int(bitPattern: base) + range.lowerBound) / pageSize
        let count = range.count / pageSize
        var result: [Range<Int>] = []
        var runStart: Int?
        var entries = [UInt64](repeating: 0, count: 8192)
        var page = 0
        while page < count {
            let n = min(entries.count, count - page)
            let bytes = entries.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, n * 8, off_t((first + page) * 8)) }
            guard bytes == n * 8 else { return nil }
            for index in 0..<n {
                let entry = entries[index]
                let own = entry & swapped != 0 || (entry & present != 0 && entry & filePage == 0)
                let offset = range.lowerBound + (page + index) * pageSize
                if own, runStart == nil { runStart = offset }
                if !own, let start = runStart {
                    result.append(start..<offset)
                    runStart = nil
                }
            }
            page += n
        }
        if let start = runStart { result.append(start..<range.upperBound) }
        return result
    }
    #endif
}
