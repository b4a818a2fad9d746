import Testing
@testable import WasmInterpreter

@Suite("Execution")
struct ExecutionTests {
    @Test("a context cloned inside a host call runs on independently of the original")
    func cloneMidExecution() throws {
        let store = Store()
        let clones = Box<(ExecutionContext, Instance)?>(nil)
        let fork = store.hostFunction(HostFunction(type: FunctionType(results: [.i32])) { caller, _ in
            let instance = try #require(caller.instance)
            let instanceCopy = try #require(instance.clone())
            clones.value = (caller.context.clone(replacing: instance, with: instanceCopy), instanceCopy)
            return [.i32(0)]
        })
        var imports = Imports()
        imports.define(module: "host", name: "fork", .function(fork))
        let instance = try store.instantiate(try Fixture.module("clone"), imports: imports)

        // The original: fork() returned 0, so acc = 10, memory[0] = 15, g = 17.
        #expect(try instance.invoke("run") == [.i32(32)])
        let (context, copy) = try #require(clones.value)
        // The copy resumes in the same call with fork() = 1: acc = 110, memory[0] = 115, g = 117.
        #expect(try context.resume(returning: [.i32(1)]) == [.i32(232)])

        #expect(try instance.exportedMemory()?.read(offset: 0, count: 1) == [15])
        #expect(try copy.exportedMemory()?.read(offset: 0, count: 1) == [115])
        #expect(instance.exportedGlobal("g")?.value == .i32(17))
        #expect(copy.exportedGlobal("g")?.value == .i32(117))
        // The copy's table refers to the copy's own function.
        #expect(copy.exportedFunction("run") !== instance.exportedFunction("run"))
        clones.value = nil  // the host function holds the box: break the cycle

    }

    @Test("recursion is limited by configuration, not by the host stack")
    func deepRecursion() throws {
        let store = Store()
        let instance = try store.instantiate(try Fixture.module("recursion"))
        #expect(try instance.invoke("depth", [.i32(50_000)]) == [.i32(50_000)])
        do {
            _ = try instance.invoke("depth", [.i32(1_000_000)])
            Issue.record("a recursion of depth 10^6 should exhaust the call stack")
        } catch let error as TrapError {
            guard case .callStackExhausted = error.trap else {
                Issue.record("unexpected trap \(error.trap)")
                return
            }
            #expect(error.backtrace.first == "depth")
        }
        // The context is usable again after the trap.
        #expect(try instance.invoke("depth", [.i32(3)]) == [.i32(3)])
    }

    @Test("a raised call-depth limit allows deeper recursion")
    func configurableDepth() throws {
        var limits = Store.ResourceLimits()
        limits.callDepth = 1_100_000
        limits.stackSlots = 16 << 20
        let store = Store(limits: limits)
        let instance = try store.instantiate(try Fixture.module("recursion"))
        #expect(try instance.invoke("depth", [.i32(1_000_000)]) == [.i32(1_000_000)])
    }

    @Test("a trap carries the spec's message and a backtrace with names from the name section")
    func backtrace() throws {
        let store = Store()
        let instance = try store.instantiate(try Fixture.module("trap"))
        do {
            _ = try instance.invoke("outer")
            Issue.record("expected a trap")
        } catch let error as TrapError {
            #expect(error.trap.description == "integer divide by zero")
            #expect(error.backtrace == ["divide", "middle", "outer"])
        }
    }

    @Test("host functions receive arguments and reach the caller's memory")
    func hostFunctions() throws {
        let store = Store()
        let reported = Box<[Value]>([])
        let report = store.hostFunction(HostFunction(type: FunctionType(parameters: [.i32])) { _, arguments in
            reported.value = arguments
            return []
        })
        var imports = Imports()
        imports.define(module: "env", name: "report", .function(report))
        let instance = try store.instantiate(try Fixture.module("add"), imports: imports)
        #expect(try instance.invoke("add", [.i32(2), .i32(40)]) == [.i32(42)])
        #expect(reported.value == [.i32(42)])
        #expect(try instance.exportedMemory("memory")?.read(offset: 16, count: 4) == [42, 0, 0, 0])
    }

    @Test("missing imports and wrong types fail to link with the spec's messages")
    func linking() throws {
        let store = Store()
        #expect {
            _ = try store.instantiate(try Fixture.module("add"))
        } throws: { error in
            guard case .link(let link) = error as? InstantiationError else { return false }
            return link.message == "unknown import" && link.name == "report"
        }
        var imports = Imports()
        let wrong = store.hostFunction(HostFunction(type: FunctionType(parameters: [.i64])) { _, _ in [] })
        imports.define(module: "env", name: "report", .function(wrong))
        #expect {
            _ = try store.instantiate(try Fixture.module("add"), imports: imports)
        } throws: { error in
            guard case .link(let link) = error as? InstantiationError else { return false }
            return link.message == "incompatible import type"
        }
    }
}

@Suite("Compiled code")
struct CompiledCodeTests {
    @Test("an op is three machine words, so the run loop reads little per instruction")
    func opSize() {
        #expect(MemoryLayout<Op>.stride <= 24)
    }
}
