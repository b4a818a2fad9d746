#if canImport(Glibc)
@_exported import Glibc
#endif

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// Runs libFuzzer on the command line with `target` as the function under test, and exits. SwiftPM gives every
/// executable a `main` of its own, so the targets start libFuzzer's driver themselves instead of taking its `main`.
public func runFuzzer(_ target: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    _ = leakSanitizerSuppressions  // linked in, for LeakSanitizer to find
    var count = CommandLine.argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&count, &arguments, target))
}

/// LeakSanitizer's suppressions, which it asks for at start. Swift's weak references keep a side table that the
/// object points to only through tagged reference-count bits, which LeakSanitizer cannot follow: an object that
/// outlives the weak references to it (a WASIX thread's execution context, whose timeout timer held one) makes
/// its 32-byte side table look leaked. A leaked object is still reported itself.
@_cdecl("__lsan_default_suppressions")
public func leakSanitizerSuppressions() -> UnsafePointer<CChar> {
    UnsafeRawPointer(("leak:formWeakReference\n" as StaticString).utf8Start).assumingMemoryBound(to: CChar.self)
}
