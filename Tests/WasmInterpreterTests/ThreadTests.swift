import Foundation
import Testing
@testable import WasmInterpreter

@Suite("Shared memory across host threads")
struct ThreadTests {
    @Test("atomic read-modify-write from several threads loses no update")
    func atomicCounter() throws {
        let store = Store()
        let instance = try store.instantiate(try Fixture.module("atomics"))
        let threads = 4, iterations = 50_000
        let failures = Box(0)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            do {
                _ = try instance.invoke("add", [.i32(UInt32(iterations))], in: ExecutionContext(store: store))
            } catch {
                lock.withLock { failures.value += 1 }
            }
        }
        #expect(failures.value == 0)
        #expect(try instance.invoke("count") == [.i32(UInt32(threads * iterations))])
    }

    @Test("memory.atomic.wait blocks until another thread notifies")
    func waitAndNotify() throws {
        let store = Store()
        let instance = try store.instantiate(try Fixture.module("atomics"))
        let result = Box<[Value]>([])
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            result.value = (try? instance.invoke("wait", in: ExecutionContext(store: store))) ?? []
            done.signal()
        }
        var woken: [Value] = []
        for _ in 0..<10_000 {
            woken = try instance.invoke("notify")
            if woken == [.i32(1)] { break }
            Thread.sleep(forTimeInterval: 0.001)
        }
        #expect(woken == [.i32(1)])
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(result.value == [.i32(0)])
    }
}
