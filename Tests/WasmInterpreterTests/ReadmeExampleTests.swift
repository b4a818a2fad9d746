import Testing
import WasmInterpreter

/// The embedding example of README.md, verbatim between the markers, so that it keeps compiling and working.
@Suite("README")
struct ReadmeExampleTests {
    @Test("the embedding example runs")
    func example() throws {
        let path = Fixture.path("add")
        // README example begins
        let store = Store()
        let module = try ValidatedModule(contentsOfFile: path)      // decode + validate
        let report = store.hostFunction(HostFunction(type: FunctionType(parameters: [.i32])) { caller, arguments in
            print("the guest reports \(arguments[0])")
            return []
        })
        var imports = Imports()
        imports.define(module: "env", name: "report", .function(report))
        let instance = try store.instantiate(module, imports: imports)
        let results = try instance.invoke("add", [.i32(2), .i32(40)])   // [.i32(42)]
        let memory = instance.exportedMemory("memory")
        let bytes = try memory?.read(offset: 16, count: 4)               // [42, 0, 0, 0]
        // README example ends
        #expect(results == [.i32(42)])
        #expect(bytes == [42, 0, 0, 0])
    }
}
