/// Threaded code: the form the run loop executes (see docs/RATIONALE.md, "The run loop").
///
/// Each op is an `Inst`: the address of its handler and 16 bytes of operands. A handler does its op and ends by
/// calling the next op's handler with the same five arguments, a tail call in a release build (a jump: the host
/// stack does not grow), so that the run loop's state lives in argument registers and every op has a dispatch
/// of its own. A debug build does not eliminate tail calls: there `next` returns the next op to `runThreaded`'s
/// loop instead, the state travelling in the `Registers`. Ops that need the context (host calls, calls across
/// instances, tables, exceptions, traps, safepoints) leave the threaded code: their handler writes the state
/// to the `Registers` and returns nil, and `run(until:)` takes over.

/// The next op to run, or nil when the threaded code is left for `run(until:)`.
typealias Next = UnsafePointer<Inst>?
/// A handler's arguments: the op, the frame, memory 0's base and size (cached, see `Registers.memory0`), and the
/// run loop's other state.
typealias Handler = @convention(thin) (
    UnsafePointer<Inst>, UnsafeMutablePointer<UInt64>, UnsafeMutableRawPointer, Int,
    UnsafeMutablePointer<ExecutionContext.Registers>
) -> Next

/// One op of threaded code: its handler and its operands, stored as the `Op` case's payload (a tuple or one of
/// the operand structs of Op.swift), which the handler reads back as the same type.
struct Inst {
    let handler: Handler
    private let operands: (UInt64, UInt64)

    init<Operands>(_ operands: Operands, _ handler: @escaping Handler) {
        precondition(MemoryLayout<Operands>.size <= 16 && MemoryLayout<Operands>.alignment <= 8)
        var storage: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: operands, as: Operands.self) }
        self.handler = handler
        self.operands = storage
    }
}

extension UnsafePointer where Pointee == Inst {
    /// The op's operands, as the type they were stored as.
    @inline(__always)
    func operands<Operands>(_: Operands.Type = Operands.self) -> Operands {
        UnsafeRawPointer(self).load(fromByteOffset: MemoryLayout<Handler>.stride, as: Operands.self)
    }
}

extension ExecutionContext {
    /// Runs threaded code from `registers.ip` until an op leaves it; the state is then in `registers`.
    @inline(never)
    static func runThreaded(_ registers: inout Registers) {
        withUnsafeMutablePointer(to: &registers) { vm in
            #if DEBUG
            var ip = vm.pointee.ip
            while let next = ip.pointee.handler(ip, vm.pointee.fp, vm.pointee.memory0.base, vm.pointee.memory0.size, vm) {
                ip = next
            }
            #else
            let ip = vm.pointee.ip
            _ = ip.pointee.handler(ip, vm.pointee.fp, vm.pointee.memory0.base, vm.pointee.memory0.size, vm)
            #endif
        }
    }
}

private typealias IP = UnsafePointer<Inst>
private typealias FP = UnsafeMutablePointer<UInt64>
private typealias Raw = UnsafeMutableRawPointer
private typealias VM = UnsafeMutablePointer<ExecutionContext.Registers>

// MARK: - Continuations

/// Runs op `ip`: a tail call of its handler (release), or a return to `runThreaded`'s loop (debug).
@inline(__always)
private func next(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM) -> Next {
    #if DEBUG
    vm.pointee.fp = fp
    vm.pointee.memory0 = MemoryState(base: m, size: s)
    return ip
    #else
    return ip.pointee.handler(ip, fp, m, s, vm)
    #endif
}

/// Leaves the threaded code at op `ip`, which `run(until:)` then runs.
@inline(__always)
private func exit(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM) -> Next {
    vm.pointee.ip = ip
    vm.pointee.fp = fp
    vm.pointee.memory0 = MemoryState(base: m, size: s)
    return nil
}

/// The traps a handler raises itself: a trivial type, which a handler passes on without retaining or destroying
/// it (`Trap` is not, and passing one makes the call to `trap` no tail call).
private enum Fault {
    case unreachable, integerDivideByZero, integerOverflow, outOfBoundsMemoryAccess, nullReference, functionTooLarge

    var trap: Trap {
        switch self {
        case .unreachable: .unreachable
        case .integerDivideByZero: .integerDivideByZero
        case .integerOverflow: .integerOverflow
        case .outOfBoundsMemoryAccess: .outOfBoundsMemoryAccess
        case .nullReference: .nullReference
        case .functionTooLarge: .host("a jump too far for the run loop (a function body of over 89 million ops)")
        }
    }
}

/// Leaves the threaded code with `fault` for `run(until:)` to throw.
@inline(never)
private func trap(_ fault: Fault, _ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM) -> Next {
    vm.pointee.context._withUnsafeGuaranteedRef { $0.pendingTrap = fault.trap }
    return exit(ip, fp, m, s, vm)
}

/// Leaves the threaded code for a safepoint; the frame goes on at `ip`, a jump's target.
@inline(never)
private func pause(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM) -> Next {
    vm.pointee.paused = true
    return exit(ip, fp, m, s, vm)
}

/// Whether some context has an interruption or a safepoint request pending (see docs/RATIONALE.md, "Safepoints").
@inline(__always)
private var needsAttention: Bool { contextsNeedingAttention.load(ordering: .relaxed) != 0 }

/// Continues `offset` bytes after `ip` (an op's jump target, which `Op.threaded` turns from a distance in ops
/// from the next op into this: one addition). A taken jump is a safepoint: while some context needs attention
/// it leaves the threaded code instead.
@inline(__always)
private func jump(_ ip: IP, _ offset: Int32, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM) -> Next {
    jump(to: (UnsafeRawPointer(ip) + Int(offset)).assumingMemoryBound(to: Inst.self), fp, m, s, vm)
}

/// Continues at `target`, a safepoint.
@inline(__always)
private func jump(to target: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM) -> Next {
    if _slowPath(needsAttention) { return pause(target, fp, m, s, vm) }
    return next(target, fp, m, s, vm)
}

/// Jumps if `taken`, else goes on with the next op.
@inline(__always)
private func branch(_ taken: Bool, _ offset: Int32, _ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM) -> Next {
    taken ? jump(ip, offset, fp, m, s, vm) : next(ip + 1, fp, m, s, vm)
}

// MARK: - Op shapes

/// `r = f(fp[a], fp[b])` on raw slots, the operands `(a, b, r)`.
@inline(__always)
private func binary<T>(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ read: (FP, Slot) -> T,
                       _ f: (T, T) -> UInt64) -> Next {
    let (a, b, r) = ip.operands((Slot, Slot, Slot).self)
    fp[Int(r)] = f(read(fp, a), read(fp, b))
    return next(ip + 1, fp, m, s, vm)
}

@inline(__always) private func i32(_ fp: FP, _ slot: Slot) -> UInt32 { fp[i32: slot] }
@inline(__always) private func i64(_ fp: FP, _ slot: Slot) -> UInt64 { fp[i64: slot] }
@inline(__always) private func f32(_ fp: FP, _ slot: Slot) -> Float { fp[f32: slot] }
@inline(__always) private func f64(_ fp: FP, _ slot: Slot) -> Double { fp[f64: slot] }
@inline(__always) private func s32(_ fp: FP, _ slot: Slot) -> Int32 { Int32(bitPattern: fp[i32: slot]) }
@inline(__always) private func s64(_ fp: FP, _ slot: Slot) -> Int64 { Int64(bitPattern: fp[i64: slot]) }
@inline(__always) private func bit(_ value: Bool) -> UInt64 { value ? 1 : 0 }
@inline(__always) private func word(_ value: UInt32) -> UInt64 { UInt64(value) }
@inline(__always) private func word(_ value: Float) -> UInt64 { UInt64(value.bitPattern) }
@inline(__always) private func word(_ value: Double) -> UInt64 { value.bitPattern }

/// `r = f(fp[a])` on raw slots, the operands `(a, r)`.
@inline(__always)
private func unary(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ f: (UInt64) -> UInt64) -> Next {
    let (a, r) = ip.operands((Slot, Slot).self)
    fp[Int(r)] = f(fp[Int(a)])
    return next(ip + 1, fp, m, s, vm)
}

/// A division or remainder: traps on a zero divisor, and if `overflows(a, b)`; else `r = f(fp[a], fp[b])`. (The
/// checks are written here rather than taken from `Numeric`'s throwing functions: catching an error costs every
/// run of the handler a stack frame.)
@inline(__always)
private func divide<T: FixedWidthInteger>(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ read: (FP, Slot) -> T,
                                          overflows: (T, T) -> Bool, _ f: (T, T) -> UInt64) -> Next {
    let (a, b, r) = ip.operands((Slot, Slot, Slot).self)
    let (x, y) = (read(fp, a), read(fp, b))
    if _slowPath(y == 0) { return trap(.integerDivideByZero, ip, fp, m, s, vm) }
    if _slowPath(overflows(x, y)) { return trap(.integerOverflow, ip, fp, m, s, vm) }
    fp[Int(r)] = f(x, y)
    return next(ip + 1, fp, m, s, vm)
}

/// Whether a signed division overflows: the lowest value divided by -1.
@inline(__always)
private func divisionOverflows<T: FixedWidthInteger & SignedInteger>(_ x: T, _ y: T) -> Bool { x == .min && y == -1 }
@inline(__always) private func never<T>(_: T, _: T) -> Bool { false }

/// A jump if `test(fp[a], fp[b])`, the operands `(a, b, target)`.
@inline(__always)
private func compareJump<T>(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ read: (FP, Slot) -> T,
                            _ test: (T, T) -> Bool) -> Next {
    let (a, b, target) = ip.operands((Slot, Slot, Int32).self)
    return branch(test(read(fp, a), read(fp, b)), target, ip, fp, m, s, vm)
}

/// A jump if `test(fp[slot])`, the operands `(slot, target)`.
@inline(__always)
private func testJump(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ test: (UInt64) -> Bool) -> Next {
    let (slot, target) = ip.operands((Slot, Int32).self)
    return branch(test(fp[Int(slot)]), target, ip, fp, m, s, vm)
}

/// A copy `fp[to] = fp[from]`, then a jump if `test(fp[condition])` (an i32), the operands
/// `(from, to, condition, target)`.
@inline(__always)
private func copyJump(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ test: (UInt32) -> Bool) -> Next {
    let (from, to, condition, target) = ip.operands((Slot, Slot, Slot, Int32).self)
    fp[Int(to)] = fp[Int(from)]
    return branch(test(fp[i32: condition]), target, ip, fp, m, s, vm)
}

/// A counted loop's op: steps the counter by `step` (`&+` or `&-`), then jumps if `test(counter, bound)`.
@inline(__always)
private func countedJump(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ step: (UInt32, UInt32) -> UInt32,
                         _ test: (UInt32, UInt32) -> Bool) -> Next {
    let x = ip.operands(CountedJump.self)
    let value = step(fp[i32: x.counter], fp[i32: x.step])
    fp[i32: x.counter] = value
    return branch(test(value, fp[i32: x.bound]), x.target, ip, fp, m, s, vm)
}

// MARK: - Memory

/// Runs op `ip` again if memory 0 has grown since its size was cached (on another thread, a shared memory);
/// otherwise the access that missed the cached bounds is out of bounds.
@inline(never)
private func refresh(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM) -> Next {
    let state = vm.pointee.memories[0].pointee
    if state.size != s { return ip.pointee.handler(ip, fp, state.base, state.size, vm) }
    return trap(.outOfBoundsMemoryAccess, ip, fp, m, s, vm)
}

/// A `size`-byte access `body` at the address of the op's `MemoryOperand`: of 32-bit memory 0, checked against
/// the cached size (the operand's offset is then where the access ends, relative to the address: see `memory`),
/// or, `general`, of any memory.
@inline(__always)
private func access(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ size: UInt64, general: Bool,
                    _ body: (Raw, MemoryOperand, FP) -> Void) -> Next {
    let o = ip.operands(MemoryOperand.self)
    if general {
        guard let p = generalAddress(o, size, vm.pointee.memories, fp) else {
            return trap(.outOfBoundsMemoryAccess, ip, fp, m, s, vm)
        }
        body(p, o, fp)
    } else {
        // A 32-bit address plus a 32-bit offset cannot overflow.
        let end = UInt64(fp[i32: o.address]) &+ UInt64(o.offset)
        guard end <= UInt64(UInt(bitPattern: s)) else { return refresh(ip, fp, m, s, vm) }
        body(m + (Int(bitPattern: UInt(end)) &- Int(size)), o, fp)
    }
    return next(ip + 1, fp, m, s, vm)
}

/// `address(o, size, memories, fp)`, nil if out of bounds: out of line, so that no handler catches an error.
@inline(never)
private func generalAddress(_ o: MemoryOperand, _ size: UInt64, _ memories: UnsafeMutablePointer<UnsafeMutablePointer<MemoryState>>,
                            _ fp: FP) -> Raw? {
    try? address(o, size, memories, fp)
}

/// The address of a `size`-byte access to 32-bit memory 0 at `base + offset` (a 32-bit address), or nil.
@inline(__always)
private func address0(_ base: UInt32, _ offset: UInt32, _ size: UInt64, _ m: Raw, _ s: Int) -> Raw? {
    let end = UInt64(base) &+ UInt64(offset) &+ size
    guard end <= UInt64(UInt(bitPattern: s)) else { return nil }
    return m + Int(bitPattern: UInt(end &- size))
}

/// An `IndexedAccess` `body` of `size` bytes, the index shifted left by `scale`.
@inline(__always)
private func indexed(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ size: UInt64, scale: UInt32 = 0,
                     _ body: (Raw, IndexedAccess, FP) -> Void) -> Next {
    let x = ip.operands(IndexedAccess.self)
    guard let p = address0(fp[i32: x.base] &+ (fp[i32: x.index] &<< scale), x.offset, size, m, s) else {
        return refresh(ip, fp, m, s, vm)
    }
    body(p, x, fp)
    return next(ip + 1, fp, m, s, vm)
}

/// A `LoadComparison`: jumps if `test(loaded, fp[other])`.
@inline(__always)
private func loadJump(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ test: (UInt32, UInt32) -> Bool) -> Next {
    let x = ip.operands(LoadComparison.self)
    guard let p = address0(fp[i32: x.address], x.offset, 4, m, s) else { return refresh(ip, fp, m, s, vm) }
    return branch(test(p.loadLE(UInt32.self), fp[i32: x.other]), x.target, ip, fp, m, s, vm)
}

/// A `LoadTest` of `size` bytes (4, or 1 for a byte load): stores the loaded value, then `body(value, test)`.
@inline(__always)
private func loadTest(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, size: UInt64 = 4,
                      _ body: (UInt32, LoadTest) -> Next) -> Next {
    let t = ip.operands(LoadTest.self)
    guard let p = address0(fp[i32: t.address], t.offset, size, m, s) else { return refresh(ip, fp, m, s, vm) }
    let value = size == 1 ? UInt32(p.loadLE(UInt8.self)) : p.loadLE(UInt32.self)
    fp[i32: t.value] = value
    return body(value, t)
}

private enum Access {
    static func i32Load(_ p: Raw, _ o: MemoryOperand, _ fp: FP) { fp[i32: o.value] = p.loadLE(UInt32.self) }
    static func i64Load(_ p: Raw, _ o: MemoryOperand, _ fp: FP) { fp[i64: o.value] = p.loadLE(UInt64.self) }
    static func i32Load8S(_ p: Raw, _ o: MemoryOperand, _ fp: FP) {
        fp[i32: o.value] = UInt32(bitPattern: Int32(Int8(bitPattern: p.loadLE(UInt8.self))))
    }
    static func i32Load8U(_ p: Raw, _ o: MemoryOperand, _ fp: FP) { fp[i32: o.value] = UInt32(p.loadLE(UInt8.self)) }
    static func i32Load16S(_ p: Raw, _ o: MemoryOperand, _ fp: FP) {
        fp[i32: o.value] = UInt32(bitPattern: Int32(Int16(bitPattern: p.loadLE(UInt16.self))))
    }
    static func i32Load16U(_ p: Raw, _ o: MemoryOperand, _ fp: FP) { fp[i32: o.value] = UInt32(p.loadLE(UInt16.self)) }
    static func i64Load8S(_ p: Raw, _ o: MemoryOperand, _ fp: FP) {
        fp[i64: o.value] = UInt64(bitPattern: Int64(Int8(bitPattern: p.loadLE(UInt8.self))))
    }
    static func i64Load16S(_ p: Raw, _ o: MemoryOperand, _ fp: FP) {
        fp[i64: o.value] = UInt64(bitPattern: Int64(Int16(bitPattern: p.loadLE(UInt16.self))))
    }
    static func i64Load32S(_ p: Raw, _ o: MemoryOperand, _ fp: FP) {
        fp[i64: o.value] = UInt64(bitPattern: Int64(Int32(bitPattern: p.loadLE(UInt32.self))))
    }
    static func store8(_ p: Raw, _ o: MemoryOperand, _ fp: FP) { p.storeLE(UInt8(truncatingIfNeeded: fp[Int(o.value)])) }
    static func store16(_ p: Raw, _ o: MemoryOperand, _ fp: FP) { p.storeLE(UInt16(truncatingIfNeeded: fp[Int(o.value)])) }
    static func store32(_ p: Raw, _ o: MemoryOperand, _ fp: FP) { p.storeLE(UInt32(truncatingIfNeeded: fp[Int(o.value)])) }
    static func store64(_ p: Raw, _ o: MemoryOperand, _ fp: FP) { p.storeLE(fp[Int(o.value)]) }
    static func v128Load(_ p: Raw, _ o: MemoryOperand, _ fp: FP) {
        fp[v128: o.value] = V128(low: p.loadLE(UInt64.self), high: (p + 8).loadLE(UInt64.self))
    }
    static func v128Store(_ p: Raw, _ o: MemoryOperand, _ fp: FP) {
        let value = fp[v128: o.value]
        p.storeLE(value.low)
        (p + 8).storeLE(value.high)
    }
}

/// The two handlers of a `size`-byte memory op: for 32-bit memory 0 (`fast`), whose operand gets the offset of
/// the access's end (one addition fewer on every run), and for any other memory, or an offset that leaves no room
/// for that.
private func memory(_ o: MemoryOperand, _ size: UInt32, _ fast: Handler, _ general: Handler) -> Inst {
    let (end, overflow) = o.offset.addingReportingOverflow(size)
    guard o.memory == 0, !overflow else { return Inst(o, general) }
    var operand = o
    operand.offset = end
    return Inst(operand, fast)
}

// MARK: - Calls

/// Enters `reference`, this instance's, with its arguments at frame slot `base`, if the fast path can (within
/// the call-depth, stack and frame-buffer limits, no safepoint due): the callee's code and frame, or nil.
@inline(__always)
private func enter(_ reference: Unmanaged<CompiledFunction>, _ base: Slot, returningTo resume: IP, _ fp: FP,
                   _ vm: VM) -> (IP, FP)? {
    let instance = vm.pointee.instanceReference
    return vm.pointee.context._withUnsafeGuaranteedRef { context -> (IP, FP)? in
        reference._withUnsafeGuaranteedRef { target -> (IP, FP)? in
            let frame = fp + Int(base)
            let count = context.frames.count
            guard count < context.frames.limit, frame + target.frameSize < context.stackEnd,
                  !needsAttention else { return nil }
            context.frames.call(from: resume, to: ExecutionContext.FrameRecord(
                compiled: reference, instance: instance, ip: target.code, fp: frame), count: count)
            target.initializeFrame(at: frame + target.parameterSlots)
            return (target.code, frame)
        }
    }
}

/// `enter` for a function found at run time: only compiled wasm code of this instance.
@inline(__always)
private func enter(_ callee: Unmanaged<Function>, _ base: Slot, returningTo resume: IP, _ fp: FP, _ vm: VM)
    -> (IP, FP)? {
    let (reference, home) = callee._withUnsafeGuaranteedRef { ($0.compiledReference, $0.definingInstance) }
    guard let reference, home?.toOpaque() == vm.pointee.instanceReference.toOpaque() else { return nil }
    return enter(reference, base, returningTo: resume, fp, vm)
}

/// The caller's code and frame if the fast path can return to it: it runs in this instance and this run goes on
/// with it. Otherwise nil, and the return is left to `run(until:)`.
@inline(__always)
private func leave(_ vm: VM) -> (IP, FP)? {
    let depth = vm.pointee.depth
    let instance = vm.pointee.instanceReference
    return vm.pointee.context._withUnsafeGuaranteedRef { context -> (IP, FP)? in
        let count = context.frames.count
        guard count &- 1 > depth else { return nil }
        let caller = context.frames[count &- 2]
        guard caller.instance.toOpaque() == instance.toOpaque() else { return nil }
        context.frames.removeLast()
        return (caller.ip, caller.fp)
    }
}

// MARK: - Lowering

extension Op {
    /// This op in threaded form: its operands, with a jump target as a byte offset from the op, and its handler.
    /// A jump too far for an `Int32` of bytes (a body of more than 89 million ops, beyond the default limits)
    /// traps instead.
    var threaded: Inst {
        var fits = true
        let op = Compiler.mapTarget(self) { distance in
            guard let offset = jumpOffset(distance) else {
                fits = false
                return 0
            }
            return offset
        }
        return fits ? lower(op) : Inst((), { trap(.functionTooLarge, $0, $1, $2, $3, $4) })
    }
}

/// The byte offset from a jump to its target, `distance` ops after the next op, if it fits in an `Int32`.
@inline(__always)
private func jumpOffset(_ distance: Int32) -> Int32? {
    Int32(exactly: (Int64(distance) + 1) * Int64(MemoryLayout<Inst>.stride))
}

/// `op` in threaded form: the one table of what every op does in the threaded code (a row per op, its handler
/// written in the row); ops that `run(until:)` runs get one that leaves the threaded code (`exit`).
private func lower(_ op: Op) -> Inst {
        switch op {
        // MARK: Control
        case .unreachable:
            Inst((), { trap(.unreachable, $0, $1, $2, $3, $4) })
        case .jump(let target):
            Inst(target, { jump($0, $0.operands(Int32.self), $1, $2, $3, $4) })
        case .jumpIf(let condition, let target):
            Inst((condition, target), { testJump($0, $1, $2, $3, $4) { UInt32(truncatingIfNeeded: $0) != 0 } })
        // Ops that do the same share a row: LLVM would merge their handlers into one behind a jump.
        case .jumpIfNot(let condition, let target), .jumpIfI32Eqz(let condition, let target):
            Inst((condition, target), { testJump($0, $1, $2, $3, $4) { UInt32(truncatingIfNeeded: $0) == 0 } })
        case .branchOnNull(let slot, let target):
            Inst((slot, target), { testJump($0, $1, $2, $3, $4) { $0 == 0 } })
        case .branchOnNonNull(let slot, let target):
            Inst((slot, target), { testJump($0, $1, $2, $3, $4) { $0 != 0 } })
        case .jumpIfI32Eq(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, i32, ==) })
        case .jumpIfI32Ne(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, i32, !=) })
        case .jumpIfI32LtS(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, s32, <) })
        case .jumpIfI32LtU(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, i32, <) })
        case .jumpIfI32GtS(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, s32, >) })
        case .jumpIfI32GtU(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, i32, >) })
        case .jumpIfI32LeS(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, s32, <=) })
        case .jumpIfI32LeU(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, i32, <=) })
        case .jumpIfI32GeS(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, s32, >=) })
        case .jumpIfI32GeU(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, i32, >=) })
        case .jumpIfF64Lt(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, f64, <) })
        case .jumpIfF64Gt(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, f64, >) })
        case .jumpIfF64Le(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, f64, <=) })
        case .jumpIfF64Ge(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, f64, >=) })
        case .jumpIfNotF64Lt(let a, let b, let t):
            Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, f64) { !($0 < $1) } })
        case .jumpIfNotF64Gt(let a, let b, let t):
            Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, f64) { !($0 > $1) } })
        case .jumpIfNotF64Le(let a, let b, let t):
            Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, f64) { !($0 <= $1) } })
        case .jumpIfNotF64Ge(let a, let b, let t):
            Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, f64) { !($0 >= $1) } })
        case .jumpIfI32And(let a, let b, let t): Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, i32) { $0 & $1 != 0 } })
        case .jumpIfNotI32And(let a, let b, let t):
            Inst((a, b, t), { compareJump($0, $1, $2, $3, $4, i32) { $0 & $1 == 0 } })
        case .jumpIfLoadI32Eqz(let t):
            Inst(t, { ip, fp, m, s, vm in
                loadTest(ip, fp, m, s, vm) { value, t in branch(value == 0, t.then, ip, fp, m, s, vm) } })
        case .jumpIfLoadI32Nez(let t):
            Inst(t, { ip, fp, m, s, vm in
                loadTest(ip, fp, m, s, vm) { value, t in branch(value != 0, t.then, ip, fp, m, s, vm) } })
        case .jumpIfLoad8UEqz(let t):
            Inst(t, { ip, fp, m, s, vm in
                loadTest(ip, fp, m, s, vm, size: 1) { value, t in branch(value == 0, t.then, ip, fp, m, s, vm) } })
        case .jumpIfLoad8UNez(let t):
            Inst(t, { ip, fp, m, s, vm in
                loadTest(ip, fp, m, s, vm, size: 1) { value, t in branch(value != 0, t.then, ip, fp, m, s, vm) } })
        case .copyJumpIf(let from, let to, let condition, let target):
            Inst((from, to, condition, target), { copyJump($0, $1, $2, $3, $4) { $0 != 0 } })
        case .copyJumpIfNot(let from, let to, let condition, let target):
            Inst((from, to, condition, target), { copyJump($0, $1, $2, $3, $4) { $0 == 0 } })
        case .jumpIfLoadI32Eq(let x): Inst(x, { loadJump($0, $1, $2, $3, $4, ==) })
        case .jumpIfLoadI32Ne(let x): Inst(x, { loadJump($0, $1, $2, $3, $4, !=) })
        case .jumpIfLoadI32LtS(let x):
            Inst(x, { loadJump($0, $1, $2, $3, $4) { Int32(bitPattern: $0) < Int32(bitPattern: $1) } })
        case .jumpIfLoadI32LtU(let x): Inst(x, { loadJump($0, $1, $2, $3, $4, <) })
        case .jumpIfLoadI32GtS(let x):
            Inst(x, { loadJump($0, $1, $2, $3, $4) { Int32(bitPattern: $0) > Int32(bitPattern: $1) } })
        case .jumpIfLoadI32GtU(let x): Inst(x, { loadJump($0, $1, $2, $3, $4, >) })
        case .i32AddJumpIfNe(let x): Inst(x, { countedJump($0, $1, $2, $3, $4, &+, !=) })
        case .i32AddJumpIfLtU(let x): Inst(x, { countedJump($0, $1, $2, $3, $4, &+, <) })
        case .i32AddJumpIfLtS(let x):
            Inst(x, { countedJump($0, $1, $2, $3, $4, &+) { Int32(bitPattern: $0) < Int32(bitPattern: $1) } })
        case .i32AddJumpIfGtU(let x): Inst(x, { countedJump($0, $1, $2, $3, $4, &+, >) })
        case .i32AddJumpIfGtS(let x):
            Inst(x, { countedJump($0, $1, $2, $3, $4, &+) { Int32(bitPattern: $0) > Int32(bitPattern: $1) } })
        case .i32SubJumpIfNe(let x): Inst(x, { countedJump($0, $1, $2, $3, $4, &-, !=) })
        case .i32SubJumpIfGtU(let x): Inst(x, { countedJump($0, $1, $2, $3, $4, &-, >) })
        case .i32SubJumpIfGtS(let x):
            Inst(x, { countedJump($0, $1, $2, $3, $4, &-) { Int32(bitPattern: $0) > Int32(bitPattern: $1) } })
        case .i32AddJumpIfNez(let x): Inst(x, { countedJump($0, $1, $2, $3, $4, &+) { value, _ in value != 0 } })
        case .i32SubJumpIfNez(let x): Inst(x, { countedJump($0, $1, $2, $3, $4, &-) { value, _ in value != 0 } })
        case .branchTable(let index, let table):
            Inst((index, table), { ip, fp, m, s, vm in
                let (index, table) = ip.operands((Slot, UInt32).self)
                let targets = UnsafeRawPointer(ip + 1) + Int(table) &* MemoryLayout<Int32>.stride
                let count = targets.load(as: UInt32.self)
                let entry = 1 + Int(min(fp[i32: index], count &- 1))
                let distance = targets.load(fromByteOffset: entry &* MemoryLayout<Int32>.stride, as: Int32.self)
                return jump(to: ip + 1 + Int(distance), fp, m, s, vm)
            })
        case .return:
            Inst((), { ip, fp, m, s, vm in
                guard let (code, frame) = leave(vm) else { return exit(ip, fp, m, s, vm) }
                return next(code, frame, m, s, vm)
            })
        case .callDefined(let function, let base, let defined):
            Inst((function, base, defined), { ip, fp, m, s, vm in
                let (_, base, defined) = ip.operands((UInt32, Slot, UInt32).self)
                guard let reference = vm.pointee.compiledCode[Int(defined)],
                      let (code, frame) = enter(reference, base, returningTo: ip + 1, fp, vm)
                else { return exit(ip, fp, m, s, vm) }
                return next(code, frame, m, s, vm)
            })
        case .callIndirect(let table, let type, let index, let base):
            Inst((table, type, index, base), { ip, fp, m, s, vm in
                let (table, type, index, base) = ip.operands((UInt32, UInt32, Slot, Slot).self)
                guard let callee = vm.pointee.indirectCallee(table, type, fp[i64: index]),
                      let (code, frame) = enter(callee, base, returningTo: ip + 1, fp, vm)
                else { return exit(ip, fp, m, s, vm) }
                return next(code, frame, m, s, vm)
            })
        // `call` names an import: a host function or another instance's (`callDefined` is the fast one).
        case .meter, .call, .callRef, .returnCall, .returnCallIndirect, .returnCallRef, .throw, .throwReference,
             .constV128, .refFunction, .bulk(.tableGet), .bulk(.tableSet), .bulk(.tableSize), .bulk(.tableGrow),
             .bulk(.tableFill), .bulk(.tableCopy), .bulk(.tableInit), .bulk(.elementDrop), .bulk(.memorySize),
             .bulk(.memoryGrow), .bulk(.memoryInit), .bulk(.dataDrop), .v128LoadPartial, .v128StoreLane, .shuffle,
             .atomic, .atomicFence:
            Inst((), { exit($0, $1, $2, $3, $4) })

        // MARK: Moves and constants
        case .copy(let from, let to):
            Inst((from, to), { unary($0, $1, $2, $3, $4) { $0 } })
        case .copyV128(let from, let to):
            Inst((from, to), { ip, fp, m, s, vm in
                let (from, to) = ip.operands((Slot, Slot).self)
                fp[v128: to] = fp[v128: from]
                return next(ip + 1, fp, m, s, vm)
            })
        case .copy2(let from, let to, let from2, let to2):
            Inst((from, to, from2, to2), { ip, fp, m, s, vm in
                let (from, to, from2, to2) = ip.operands((Slot, Slot, Slot, Slot).self)
                fp[Int(to)] = fp[Int(from)]
                fp[Int(to2)] = fp[Int(from2)]
                return next(ip + 1, fp, m, s, vm)
            })
        case .const32(let value, let slot):
            Inst((value, slot), { ip, fp, m, s, vm in
                let (value, slot) = ip.operands((UInt32, Slot).self)
                fp[i32: slot] = value
                return next(ip + 1, fp, m, s, vm)
            })
        case .const64(let value, let slot):
            Inst((value, slot), { ip, fp, m, s, vm in
                let (value, slot) = ip.operands((UInt64, Slot).self)
                fp[i64: slot] = value
                return next(ip + 1, fp, m, s, vm)
            })
        case .select(let condition, let first, let second, let result):
            Inst((condition, first, second, result), { ip, fp, m, s, vm in
                let (condition, first, second, result) = ip.operands((Slot, Slot, Slot, Slot).self)
                fp[Int(result)] = fp[bool: condition] ? fp[Int(first)] : fp[Int(second)]
                return next(ip + 1, fp, m, s, vm)
            })
        case .selectV128(let condition, let first, let second, let result):
            Inst((condition, first, second, result), { ip, fp, m, s, vm in
                let (condition, first, second, result) = ip.operands((Slot, Slot, Slot, Slot).self)
                fp[v128: result] = fp[bool: condition] ? fp[v128: first] : fp[v128: second]
                return next(ip + 1, fp, m, s, vm)
            })
        case .globalGet(let global, let result):
            Inst((global, result), { ip, fp, m, s, vm in
                let (global, result) = ip.operands((UInt32, Slot).self)
                fp[Int(result)] = vm.pointee.globals[Int(global)][0]
                return next(ip + 1, fp, m, s, vm)
            })
        case .globalSet(let global, let value):
            Inst((global, value), { ip, fp, m, s, vm in
                let (global, value) = ip.operands((UInt32, Slot).self)
                vm.pointee.globals[Int(global)][0] = fp[Int(value)]
                return next(ip + 1, fp, m, s, vm)
            })
        case .globalGetV128(let global, let result):
            Inst((global, result), { ip, fp, m, s, vm in
                let (global, result) = ip.operands((UInt32, Slot).self)
                let storage = vm.pointee.globals[Int(global)]
                fp[v128: result] = V128(low: storage[0], high: storage[1])
                return next(ip + 1, fp, m, s, vm)
            })
        case .globalSetV128(let global, let value):
            Inst((global, value), { ip, fp, m, s, vm in
                let (global, value) = ip.operands((UInt32, Slot).self)
                let storage = vm.pointee.globals[Int(global)]
                storage[0] = fp[Int(value)]
                storage[1] = fp[Int(value) + 1]
                return next(ip + 1, fp, m, s, vm)
            })

        // MARK: References
        case .refIsNull(let slot, let result), .i64Eqz(let slot, let result):
            Inst((slot, result), { unary($0, $1, $2, $3, $4) { bit($0 == 0) } })
        case .refAsNonNull(let slot):
            Inst(slot, { ip, fp, m, s, vm in
                if fp[Int(ip.operands(Slot.self))] == 0 { return trap(.nullReference, ip, fp, m, s, vm) }
                return next(ip + 1, fp, m, s, vm)
            })

        // MARK: Memory
        case .bulk(.memoryCopy(let destination, let source, let base)):
            Inst((destination, source, base), { ip, fp, m, s, vm in
                let (destination, source, base) = ip.operands((UInt32, UInt32, Slot).self)
                let (to, from, count) = (fp[slot: base], fp[slot: base + 1], fp[slot: base + 2])
                let size = UInt64(UInt(bitPattern: s))
                guard destination == 0, source == 0, from <= size, count <= size &- from, to <= size,
                      count <= size &- to else { return exit(ip, fp, m, s, vm) }
                (m + Int(to)).copyMemory(from: m + Int(from), byteCount: Int(count))
                return next(ip + 1, fp, m, s, vm)
            })
        case .bulk(.memoryFill(let memory, let base)):
            Inst((memory, base), { ip, fp, m, s, vm in
                let (memory, base) = ip.operands((UInt32, Slot).self)
                let (start, value, count) = (fp[slot: base], UInt8(truncatingIfNeeded: fp[slot: base + 1]),
                                             fp[slot: base + 2])
                let size = UInt64(UInt(bitPattern: s))
                guard memory == 0, start <= size, count <= size &- start else { return exit(ip, fp, m, s, vm) }
                (m + Int(start)).initializeMemory(as: UInt8.self, repeating: value, count: Int(count))
                return next(ip + 1, fp, m, s, vm)
            })
        case .addressOffset(let offset, let address, let result):
            Inst((offset, address, result), { ip, fp, m, s, vm in
                let (offset, address, result) = ip.operands((UInt64, Slot, Slot).self)
                let (sum, overflow) = fp[i64: address].addingReportingOverflow(offset)
                fp[i64: result] = overflow ? sum | 0xFFFF_FFFF_FFFF_FFF0 : sum
                return next(ip + 1, fp, m, s, vm)
            })
        case .i32Load(let o), .f32Load(let o), .i64Load32U(let o):
            memory(o, 4, { access($0, $1, $2, $3, $4, 4, general: false, Access.i32Load) },
                   { access($0, $1, $2, $3, $4, 4, general: true, Access.i32Load) })
        case .i64Load(let o), .f64Load(let o):
            memory(o, 8, { access($0, $1, $2, $3, $4, 8, general: false, Access.i64Load) },
                   { access($0, $1, $2, $3, $4, 8, general: true, Access.i64Load) })
        case .i32Load8S(let o):
            memory(o, 1, { access($0, $1, $2, $3, $4, 1, general: false, Access.i32Load8S) },
                   { access($0, $1, $2, $3, $4, 1, general: true, Access.i32Load8S) })
        case .i32Load8U(let o), .i64Load8U(let o):
            memory(o, 1, { access($0, $1, $2, $3, $4, 1, general: false, Access.i32Load8U) },
                   { access($0, $1, $2, $3, $4, 1, general: true, Access.i32Load8U) })
        case .i32Load16S(let o):
            memory(o, 2, { access($0, $1, $2, $3, $4, 2, general: false, Access.i32Load16S) },
                   { access($0, $1, $2, $3, $4, 2, general: true, Access.i32Load16S) })
        case .i32Load16U(let o), .i64Load16U(let o):
            memory(o, 2, { access($0, $1, $2, $3, $4, 2, general: false, Access.i32Load16U) },
                   { access($0, $1, $2, $3, $4, 2, general: true, Access.i32Load16U) })
        case .i64Load8S(let o):
            memory(o, 1, { access($0, $1, $2, $3, $4, 1, general: false, Access.i64Load8S) },
                   { access($0, $1, $2, $3, $4, 1, general: true, Access.i64Load8S) })
        case .i64Load16S(let o):
            memory(o, 2, { access($0, $1, $2, $3, $4, 2, general: false, Access.i64Load16S) },
                   { access($0, $1, $2, $3, $4, 2, general: true, Access.i64Load16S) })
        case .i64Load32S(let o):
            memory(o, 4, { access($0, $1, $2, $3, $4, 4, general: false, Access.i64Load32S) },
                   { access($0, $1, $2, $3, $4, 4, general: true, Access.i64Load32S) })
        case .store8(let o):
            memory(o, 1, { access($0, $1, $2, $3, $4, 1, general: false, Access.store8) },
                   { access($0, $1, $2, $3, $4, 1, general: true, Access.store8) })
        case .store16(let o):
            memory(o, 2, { access($0, $1, $2, $3, $4, 2, general: false, Access.store16) },
                   { access($0, $1, $2, $3, $4, 2, general: true, Access.store16) })
        case .store32(let o):
            memory(o, 4, { access($0, $1, $2, $3, $4, 4, general: false, Access.store32) },
                   { access($0, $1, $2, $3, $4, 4, general: true, Access.store32) })
        case .store64(let o):
            memory(o, 8, { access($0, $1, $2, $3, $4, 8, general: false, Access.store64) },
                   { access($0, $1, $2, $3, $4, 8, general: true, Access.store64) })
        case .v128Load(let o):
            memory(o, 16, { access($0, $1, $2, $3, $4, 16, general: false, Access.v128Load) },
                   { access($0, $1, $2, $3, $4, 16, general: true, Access.v128Load) })
        case .v128Store(let o):
            memory(o, 16, { access($0, $1, $2, $3, $4, 16, general: false, Access.v128Store) },
                   { access($0, $1, $2, $3, $4, 16, general: true, Access.v128Store) })

        // MARK: Fused memory ops (32-bit memory 0 only)
        case .i32LoadIndexed(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 4) { p, x, fp in fp[i32: x.value] = p.loadLE(UInt32.self) } })
        case .i64LoadIndexed(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 8) { p, x, fp in fp[i64: x.value] = p.loadLE(UInt64.self) } })
        case .i32Load8SIndexed(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 1) { p, x, fp in
                fp[i32: x.value] = UInt32(bitPattern: Int32(Int8(bitPattern: p.loadLE(UInt8.self)))) } })
        case .i32Load8UIndexed(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 1) { p, x, fp in fp[i32: x.value] = UInt32(p.loadLE(UInt8.self)) } })
        case .i32Load16SIndexed(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 2) { p, x, fp in
                fp[i32: x.value] = UInt32(bitPattern: Int32(Int16(bitPattern: p.loadLE(UInt16.self)))) } })
        case .i32Load16UIndexed(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 2) { p, x, fp in fp[i32: x.value] = UInt32(p.loadLE(UInt16.self)) } })
        case .store8Indexed(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 1) { p, x, fp in p.storeLE(UInt8(truncatingIfNeeded: fp[Int(x.value)])) } })
        case .store16Indexed(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 2) { p, x, fp in p.storeLE(UInt16(truncatingIfNeeded: fp[Int(x.value)])) } })
        case .store32Indexed(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 4) { p, x, fp in p.storeLE(UInt32(truncatingIfNeeded: fp[Int(x.value)])) } })
        case .store32Sum(let x):
            Inst(x, { ip, fp, m, s, vm in
                let x = ip.operands(StoredSum.self)
                guard let p = address0(fp[i32: x.address], x.offset, 4, m, s) else { return refresh(ip, fp, m, s, vm) }
                p.storeLE(fp[i32: x.lhs] &+ fp[i32: x.rhs])
                return next(ip + 1, fp, m, s, vm)
            })
        case .store64Indexed(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 8) { p, x, fp in p.storeLE(fp[Int(x.value)]) } })
        case .i32LoadScaled(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 4, scale: 2) { p, x, fp in fp[i32: x.value] = p.loadLE(UInt32.self) } })
        case .i64LoadScaled(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 8, scale: 3) { p, x, fp in fp[i64: x.value] = p.loadLE(UInt64.self) } })
        case .store32Scaled(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 4, scale: 2) { p, x, fp in
                p.storeLE(UInt32(truncatingIfNeeded: fp[Int(x.value)])) } })
        case .store64Scaled(let x):
            Inst(x, { indexed($0, $1, $2, $3, $4, 8, scale: 3) { p, x, fp in p.storeLE(fp[Int(x.value)]) } })
        case .i32AndEqz(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { bit($0 & $1 == 0) } })
        case .i32LoadEqz(let t):
            Inst(t, { ip, fp, m, s, vm in
                loadTest(ip, fp, m, s, vm) { value, t in
                    fp[bool: Slot(t.then)] = value == 0
                    return next(ip + 1, fp, m, s, vm)
                }
            })

        // MARK: Fused arithmetic: r = (a op1 b) op2 c
        case .i32AddAdd(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word($0 &+ $1 &+ $2) } })
        case .i32MulAdd(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word($0 &* $1 &+ $2) } })
        case .i32ShlAdd(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word(($0 << ($1 & 31)) &+ $2) } })
        case .i32XorAdd(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word(($0 ^ $1) &+ $2) } })
        case .i32RotlXor(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word(Numeric.rotateLeft($0, $1) ^ $2) } })
        case .i32AndXor(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word(($0 & $1) ^ $2) } })
        case .i32ShrUAnd(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word(($0 >> ($1 & 31)) & $2) } })
        case .i32ShrUXor(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word(($0 >> ($1 & 31)) ^ $2) } })
        case .i32XorAnd(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word(($0 ^ $1) & $2) } })
        case .i32SubAnd(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word(($0 &- $1) & $2) } })
        case .i32AddAnd(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word(($0 &+ $1) & $2) } })
        case .i32XorMul(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, i32) { word(($0 ^ $1) &* $2) } })
        case .f64MulSub(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, f64) { word($0 * $1 - $2) } })
        case .f64SubMul(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, f64) { word(($0 - $1) * $2) } })
        case .f64AddMul(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, f64) { word(($0 + $1) * $2) } })
        case .f64MulAdd(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, f64) { word($0 * $1 + $2) } })
        case .f64MulMul(let a, let b, let c, let r):
            Inst((a, b, c, r), { ternary($0, $1, $2, $3, $4, f64) { word($0 * $1 * $2) } })

        // MARK: Numeric
        case .i32Eqz(let a, let r): Inst((a, r), { unary($0, $1, $2, $3, $4) { bit(UInt32(truncatingIfNeeded: $0) == 0) } })
        case .i32Eq(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { bit($0 == $1) } })
        case .i32Ne(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { bit($0 != $1) } })
        case .i32LtS(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, s32) { bit($0 < $1) } })
        case .i32LtU(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { bit($0 < $1) } })
        case .i32GtS(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, s32) { bit($0 > $1) } })
        case .i32GtU(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { bit($0 > $1) } })
        case .i32LeS(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, s32) { bit($0 <= $1) } })
        case .i32LeU(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { bit($0 <= $1) } })
        case .i32GeS(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, s32) { bit($0 >= $1) } })
        case .i32GeU(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { bit($0 >= $1) } })
        case .i64Eq(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { bit($0 == $1) } })
        case .i64Ne(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { bit($0 != $1) } })
        case .i64LtS(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, s64) { bit($0 < $1) } })
        case .i64LtU(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { bit($0 < $1) } })
        case .i64GtS(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, s64) { bit($0 > $1) } })
        case .i64GtU(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { bit($0 > $1) } })
        case .i64LeS(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, s64) { bit($0 <= $1) } })
        case .i64LeU(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { bit($0 <= $1) } })
        case .i64GeS(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, s64) { bit($0 >= $1) } })
        case .i64GeU(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { bit($0 >= $1) } })
        case .f32Eq(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { bit($0 == $1) } })
        case .f32Ne(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { bit($0 != $1) } })
        case .f32Lt(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { bit($0 < $1) } })
        case .f32Gt(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { bit($0 > $1) } })
        case .f32Le(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { bit($0 <= $1) } })
        case .f32Ge(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { bit($0 >= $1) } })
        case .f64Eq(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { bit($0 == $1) } })
        case .f64Ne(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { bit($0 != $1) } })
        case .f64Lt(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { bit($0 < $1) } })
        case .f64Gt(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { bit($0 > $1) } })
        case .f64Le(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { bit($0 <= $1) } })
        case .f64Ge(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { bit($0 >= $1) } })
        case .i32Clz(let a, let r):
            Inst((a, r), { unary($0, $1, $2, $3, $4) { UInt64(UInt32(truncatingIfNeeded: $0).leadingZeroBitCount) } })
        case .i32Ctz(let a, let r):
            Inst((a, r), { unary($0, $1, $2, $3, $4) { UInt64(UInt32(truncatingIfNeeded: $0).trailingZeroBitCount) } })
        case .i32Popcnt(let a, let r):
            Inst((a, r), { unary($0, $1, $2, $3, $4) { UInt64(UInt32(truncatingIfNeeded: $0).nonzeroBitCount) } })
        case .i32Add(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { word($0 &+ $1) } })
        case .i32Sub(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { word($0 &- $1) } })
        case .i32Mul(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { word($0 &* $1) } })
        case .i32DivS(let a, let b, let r):
            Inst((a, b, r), { divide($0, $1, $2, $3, $4, s32, overflows: divisionOverflows) {
                word(UInt32(bitPattern: $0.dividedReportingOverflow(by: $1).partialValue)) } })
        case .i32DivU(let a, let b, let r):
            Inst((a, b, r), { divide($0, $1, $2, $3, $4, i32, overflows: never) { word($0 / $1) } })
        case .i32RemS(let a, let b, let r):
            Inst((a, b, r), { divide($0, $1, $2, $3, $4, s32, overflows: never) {
                word(UInt32(bitPattern: $0.remainderReportingOverflow(dividingBy: $1).partialValue)) } })
        case .i32RemU(let a, let b, let r):
            Inst((a, b, r), { divide($0, $1, $2, $3, $4, i32, overflows: never) { word($0 % $1) } })
        case .i32And(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { word($0 & $1) } })
        case .i32Or(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { word($0 | $1) } })
        case .i32Xor(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { word($0 ^ $1) } })
        case .i32Shl(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { word($0 << ($1 & 31)) } })
        case .i32ShrS(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) {
                word(UInt32(bitPattern: Int32(bitPattern: $0) >> ($1 & 31))) } })
        case .i32ShrU(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { word($0 >> ($1 & 31)) } })
        case .i32Rotl(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { word(Numeric.rotateLeft($0, $1)) } })
        case .i32Rotr(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { word(Numeric.rotateRight($0, $1)) } })
        case .i64Clz(let a, let r): Inst((a, r), { unary($0, $1, $2, $3, $4) { UInt64($0.leadingZeroBitCount) } })
        case .i64Ctz(let a, let r): Inst((a, r), { unary($0, $1, $2, $3, $4) { UInt64($0.trailingZeroBitCount) } })
        case .i64Popcnt(let a, let r): Inst((a, r), { unary($0, $1, $2, $3, $4) { UInt64($0.nonzeroBitCount) } })
        case .i64Add(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { $0 &+ $1 } })
        case .i64Sub(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { $0 &- $1 } })
        case .i64Mul(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { $0 &* $1 } })
        case .i64DivS(let a, let b, let r):
            Inst((a, b, r), { divide($0, $1, $2, $3, $4, s64, overflows: divisionOverflows) {
                UInt64(bitPattern: $0.dividedReportingOverflow(by: $1).partialValue) } })
        case .i64DivU(let a, let b, let r):
            Inst((a, b, r), { divide($0, $1, $2, $3, $4, i64, overflows: never) { $0 / $1 } })
        case .i64RemS(let a, let b, let r):
            Inst((a, b, r), { divide($0, $1, $2, $3, $4, s64, overflows: never) {
                UInt64(bitPattern: $0.remainderReportingOverflow(dividingBy: $1).partialValue) } })
        case .i64RemU(let a, let b, let r):
            Inst((a, b, r), { divide($0, $1, $2, $3, $4, i64, overflows: never) { $0 % $1 } })
        case .i64And(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { $0 & $1 } })
        case .i64Or(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { $0 | $1 } })
        case .i64Xor(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { $0 ^ $1 } })
        case .i64Shl(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { $0 << ($1 & 63) } })
        case .i64ShrS(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { UInt64(bitPattern: Int64(bitPattern: $0) >> ($1 & 63)) } })
        case .i64ShrU(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { $0 >> ($1 & 63) } })
        case .i64Rotl(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { Numeric.rotateLeft($0, $1) } })
        case .i64Rotr(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) { Numeric.rotateRight($0, $1) } })
        case .f32Abs(let a, let r): Inst((a, r), { unary($0, $1, $2, $3, $4) { $0 & 0x7FFF_FFFF } })
        case .f32Neg(let a, let r): Inst((a, r), { unary($0, $1, $2, $3, $4) { ($0 & 0xFFFF_FFFF) ^ 0x8000_0000 } })
        case .f32Ceil(let a, let r): Inst((a, r), { unaryF32($0, $1, $2, $3, $4) { $0.rounded(.up) } })
        case .f32Floor(let a, let r): Inst((a, r), { unaryF32($0, $1, $2, $3, $4) { $0.rounded(.down) } })
        case .f32Trunc(let a, let r): Inst((a, r), { unaryF32($0, $1, $2, $3, $4) { $0.rounded(.towardZero) } })
        case .f32Nearest(let a, let r): Inst((a, r), { unaryF32($0, $1, $2, $3, $4) { $0.rounded(.toNearestOrEven) } })
        case .f32Sqrt(let a, let r): Inst((a, r), { unaryF32($0, $1, $2, $3, $4) { $0.squareRoot() } })
        case .f32Add(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { word($0 + $1) } })
        case .f32Sub(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { word($0 - $1) } })
        case .f32Mul(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { word($0 * $1) } })
        case .f32Div(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { word($0 / $1) } })
        case .f32Min(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { word(Numeric.minimum($0, $1)) } })
        case .f32Max(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, f32) { word(Numeric.maximum($0, $1)) } })
        case .f32Copysign(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, i32) { word(($0 & 0x7FFF_FFFF) | ($1 & 0x8000_0000)) } })
        case .f64Abs(let a, let r): Inst((a, r), { unary($0, $1, $2, $3, $4) { $0 & 0x7FFF_FFFF_FFFF_FFFF } })
        case .f64Neg(let a, let r): Inst((a, r), { unary($0, $1, $2, $3, $4) { $0 ^ 0x8000_0000_0000_0000 } })
        case .f64Ceil(let a, let r): Inst((a, r), { unaryF64($0, $1, $2, $3, $4) { $0.rounded(.up) } })
        case .f64Floor(let a, let r): Inst((a, r), { unaryF64($0, $1, $2, $3, $4) { $0.rounded(.down) } })
        case .f64Trunc(let a, let r): Inst((a, r), { unaryF64($0, $1, $2, $3, $4) { $0.rounded(.towardZero) } })
        case .f64Nearest(let a, let r): Inst((a, r), { unaryF64($0, $1, $2, $3, $4) { $0.rounded(.toNearestOrEven) } })
        case .f64Sqrt(let a, let r): Inst((a, r), { unaryF64($0, $1, $2, $3, $4) { $0.squareRoot() } })
        case .f64Add(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { word($0 + $1) } })
        case .f64Sub(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { word($0 - $1) } })
        case .f64Mul(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { word($0 * $1) } })
        case .f64Div(let a, let b, let r): Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { word($0 / $1) } })
        case .f64Min(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { word(Numeric.minimum($0, $1)) } })
        case .f64Max(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, f64) { word(Numeric.maximum($0, $1)) } })
        case .f64Copysign(let a, let b, let r):
            Inst((a, b, r), { binary($0, $1, $2, $3, $4, i64) {
                ($0 & 0x7FFF_FFFF_FFFF_FFFF) | ($1 & 0x8000_0000_0000_0000) } })
        case .convert(let opcode, let a, let r):
            conversion(opcode, a, r)

        // MARK: Vector
        case .simd(let opcode, let base):
            Inst((opcode, base), { ip, fp, m, s, vm in
                let (opcode, base) = ip.operands((PackedOpcode, Slot).self)
                simd(opcode, base, fp)
                return next(ip + 1, fp, m, s, vm)
            })
        case .simdLane(let opcode, let lane, let base):
            Inst((opcode, lane, base), { ip, fp, m, s, vm in
                let (opcode, lane, base) = ip.operands((PackedOpcode, UInt8, Slot).self)
                simdLane(opcode, lane, base, fp)
                return next(ip + 1, fp, m, s, vm)
            })
        }
}

/// `r = f(fp[a], fp[b], fp[c])`, the operands `(a, b, c, r)`.
@inline(__always)
private func ternary<T>(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ read: (FP, Slot) -> T,
                        _ f: (T, T, T) -> UInt64) -> Next {
    let (a, b, c, r) = ip.operands((Slot, Slot, Slot, Slot).self)
    fp[Int(r)] = f(read(fp, a), read(fp, b), read(fp, c))
    return next(ip + 1, fp, m, s, vm)
}

/// `r = f(fp[a])` on f32 slots.
@inline(__always)
private func unaryF32(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ f: (Float) -> Float) -> Next {
    let (a, r) = ip.operands((Slot, Slot).self)
    fp[f32: r] = f(fp[f32: a])
    return next(ip + 1, fp, m, s, vm)
}

/// `r = f(fp[a])` on f64 slots.
@inline(__always)
private func unaryF64(_ ip: IP, _ fp: FP, _ m: Raw, _ s: Int, _ vm: VM, _ f: (Double) -> Double) -> Next {
    let (a, r) = ip.operands((Slot, Slot).self)
    fp[f64: r] = f(fp[f64: a])
    return next(ip + 1, fp, m, s, vm)
}

// MARK: - Out of line
// A handler that called these inline would keep their locals on the stack, and LLVM does not make a tail call
// from a function whose stack a callee might see: the handler's dispatch would become a call.

/// `fp[r] = convert(fp[a])`; false, with the trap left in the context, if it traps.
@inline(never)
private func convert(_ opcode: PackedOpcode, _ a: Slot, _ r: Slot, _ fp: FP, _ vm: VM) -> Bool {
    do throws(Trap) {
        fp[Int(r)] = try Numeric.convert(opcode.opcode, fp[Int(a)])
        return true
    } catch {
        vm.pointee.context._withUnsafeGuaranteedRef { $0.pendingTrap = error }
        return false
    }
}

@inline(never)
private func simd(_ opcode: PackedOpcode, _ base: Slot, _ fp: FP) {
    VectorOps.execute(opcode.opcode, base: base, fp: fp)
}

@inline(never)
private func simdLane(_ opcode: PackedOpcode, _ lane: UInt8, _ base: Slot, _ fp: FP) {
    VectorOps.executeLane(opcode.opcode, lane: lane, base: base, fp: fp)
}

/// A conversion, sign extension or the like: a handler of its own if it cannot trap, else one that calls
/// `Numeric.convert` (a switch over the opcode on every run).
private func conversion(_ opcode: PackedOpcode, _ a: Slot, _ r: Slot) -> Inst {
    switch opcode.opcode {
    // The same as `copy`: one handler, not two that LLVM would merge behind a jump.
    case .i64ReinterpretF64, .f64ReinterpretI64: return lower(.copy(from: a, to: r))
    default: if let handler = conversion(opcode.opcode) { return Inst((a, r), handler) }
    }
    return Inst((opcode, a, r), { ip, fp, m, s, vm in
        let (opcode, a, r) = ip.operands((PackedOpcode, Slot, Slot).self)
        guard convert(opcode, a, r, fp, vm) else { return exit(ip, fp, m, s, vm) }
        return next(ip + 1, fp, m, s, vm)
    })
}

/// The handler of a conversion that cannot trap, operands `(a, r)`; nil for the others.
private func conversion(_ opcode: Opcode) -> Handler? {
    switch opcode {
    case .i32WrapI64, .i64ExtendI32U, .i32ReinterpretF32, .f32ReinterpretI32:
        { unary($0, $1, $2, $3, $4) { $0 & 0xFFFF_FFFF } }
    case .i64ExtendI32S, .i64Extend32S: { unary($0, $1, $2, $3, $4) { UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: $0))) } }
    case .i32Extend8S: { unary($0, $1, $2, $3, $4) { word(UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: $0)))) } }
    case .i32Extend16S: { unary($0, $1, $2, $3, $4) { word(UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: $0)))) } }
    case .i64Extend8S: { unary($0, $1, $2, $3, $4) { UInt64(bitPattern: Int64(Int8(truncatingIfNeeded: $0))) } }
    case .i64Extend16S: { unary($0, $1, $2, $3, $4) { UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: $0))) } }
    case .f64ConvertI32S: { unary($0, $1, $2, $3, $4) { Double(Int32(truncatingIfNeeded: $0)).bitPattern } }
    case .f64ConvertI32U: { unary($0, $1, $2, $3, $4) { Double(UInt32(truncatingIfNeeded: $0)).bitPattern } }
    case .f64ConvertI64S: { unary($0, $1, $2, $3, $4) { Double(Int64(bitPattern: $0)).bitPattern } }
    case .f64ConvertI64U: { unary($0, $1, $2, $3, $4) { Double($0).bitPattern } }
    case .f32ConvertI32S: { unary($0, $1, $2, $3, $4) { word(Float(Int32(truncatingIfNeeded: $0))) } }
    case .f32ConvertI32U: { unary($0, $1, $2, $3, $4) { word(Float(UInt32(truncatingIfNeeded: $0))) } }
    case .f64PromoteF32:
        { unary($0, $1, $2, $3, $4) { Numeric.promote(Float(bitPattern: UInt32(truncatingIfNeeded: $0))).bitPattern } }
    case .f32DemoteF64: { unary($0, $1, $2, $3, $4) { word(Numeric.demote(Double(bitPattern: $0))) } }
    default: nil
    }
}
