import Foundation
import Testing
import WasmInterpreter

@Suite("Resource limits")
struct LimitTests {
    func instance(_ configure: (inout Store.ResourceLimits) -> Void) throws -> (Store, Instance) {
        var limits = Store.ResourceLimits()
        configure(&limits)
        let store = Store(limits: limits)
        return (store, try store.instantiate(try Fixture.module("limits")))
    }

    func trap(_ body: () throws -> Void) -> Trap? {
        do {
            try body()
            return nil
        } catch let error as TrapError {
            return error.trap
        } catch {
            return nil
        }
    }

    @Test("an endless loop runs out of fuel")
    func fuel() throws {
        let (store, instance) = try instance { $0.fuel = 10_000 }
        defer { withExtendedLifetime(store) {} }
        guard case .fuelExhausted? = trap({ _ = try instance.invoke("spin") }) else {
            Issue.record("expected fuel exhaustion")
            return
        }
    }

    @Test("an endless loop is stopped by the timeout")
    func timeout() throws {
        let (store, instance) = try instance { $0.timeout = .milliseconds(200) }
        defer { withExtendedLifetime(store) {} }
        let start = ContinuousClock.now
        guard case .timeout? = trap({ _ = try instance.invoke("spin") }) else {
            Issue.record("expected a timeout")
            return
        }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test("a timeout of centuries is one that does not come, not a crash")
    func distantTimeout() throws {
        let (store, instance) = try instance { $0.timeout = .seconds(Int64.max / 4) }
        defer { withExtendedLifetime(store) {} }
        let context = ExecutionContext(store: store)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.1)
            context.interrupt()
        }
        // The timer waits on its thread meanwhile (it used to trap there, taking the process with it).
        guard case .timeout? = trap({ _ = try instance.invoke("spin", in: context) }) else {
            Issue.record("expected the interruption")
            return
        }
    }

    @Test("a wait nobody will notify is stopped by the timeout")
    func waitTimeout() throws {
        var limits = Store.ResourceLimits()
        limits.timeout = .milliseconds(200)
        let store = Store(limits: limits)
        let instance = try store.instantiate(try Fixture.module("wait"))
        guard case .timeout? = trap({ _ = try instance.invoke("wait-forever") }) else {
            Issue.record("expected a timeout")
            return
        }
    }

    @Test("another thread can interrupt a running invocation, with no limit set")
    func interrupt() throws {
        let (store, instance) = try instance { _ in }
        let context = ExecutionContext(store: store)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.1)
            context.interrupt()
        }
        guard case .timeout? = trap({ _ = try instance.invoke("spin", in: context) }) else {
            Issue.record("expected an interruption")
            return
        }
    }

    @Test("a safepoint request runs the hook inside a loop without calls, which can call into wasm and go on")
    func safepoint() throws {
        let (store, instance) = try instance { _ in }
        let context = ExecutionContext(store: store)
        guard let grow = instance.exportedFunction("grow") else { throw TrapError(trap: .unreachable, backtrace: []) }
        var visits = 0
        context.onSafepoint = { context throws(Trap) in
            visits += 1
            // A call into wasm from the hook (as a signal handler is), then the loop must go on until stopped.
            do throws(TrapError) { _ = try context.invoke(grow, [.i32(0)]) } catch { throw error.trap }
            context.interrupt()
        }
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.1)
            context.requestSafepoint()
        }
        guard case .timeout? = trap({ _ = try instance.invoke("spin", in: context) }) else {
            Issue.record("expected the hook to interrupt the loop")
            return
        }
        #expect(visits == 1)
    }

    @Test("memory does not grow past the configured page limit")
    func memoryLimit() throws {
        let (store, instance) = try instance { $0.memoryPages = 10 }
        defer { withExtendedLifetime(store) {} }
        #expect(try instance.invoke("grow", [.i32(20)]) == [.i32(UInt32.max)])
        #expect(try instance.invoke("grow", [.i32(5)]) == [.i32(1)])
        #expect(try instance.invoke("grow", [.i32(5)]) == [.i32(UInt32.max)])
    }

    @Test("a memory or table whose minimum is at the configured limit instantiates; one above it does not")
    func minimumAtLimit() throws {
        // The fixture's memory and table have one page and one element.
        _ = try instance {
            $0.memoryPages = 1
            $0.tableElements = 1
        }
        #expect(throws: InstantiationError.self) { try instance { $0.memoryPages = 0 } }
        #expect(throws: InstantiationError.self) { try instance { $0.tableElements = 0 } }
    }

    @Test("a table does not grow past the configured element limit")
    func tableLimit() throws {
        let (store, instance) = try instance { $0.tableElements = 10 }
        defer { withExtendedLifetime(store) {} }
        #expect(try instance.invoke("grow_table", [.i32(20)]) == [.i32(UInt32.max)])
        #expect(try instance.invoke("grow_table", [.i32(9)]) == [.i32(1)])
        #expect(try instance.invoke("grow_table", [.i32(1)]) == [.i32(UInt32.max)])
    }
}
