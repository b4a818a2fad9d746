import FuzzSupport
import WasmInterpreter

/// libFuzzer entry: decodes and validates arbitrary bytes. Every outcome but a crash is fine: a module, a
/// `DecodeError` with an offset, or a `ValidationError`.
func fuzzDecode(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? ModuleValidator.load(bytes)
    return 0
}

@main
enum Main {
    static func main() {
        runFuzzer { data, size in data.map { fuzzDecode($0, size) } ?? 0 }
    }
}
