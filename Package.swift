// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "wasix-swift",
    products: [
        .library(name: "WasmDecoder", targets: ["WasmDecoder"]),
        .library(name: "WasmInterpreter", targets: ["WasmInterpreter"]),
        .library(name: "Wasix", targets: ["Wasix"]),
        .executable(name: "wasix-run", targets: ["wasix-run"]),
    ],
    targets: [
        .target(name: "WasmDecoder", exclude: ["Opcodes.json"]),
        .target(name: "WasmInterpreter", dependencies: ["WasmDecoder"]),
        .target(name: "Wasix", dependencies: ["WasmInterpreter"]),
        .target(name: "SpecRunner", dependencies: ["WasmDecoder", "WasmInterpreter"]),
        .executableTarget(name: "wasix-run", dependencies: ["SpecRunner", "Wasix"]),
        .testTarget(name: "WasmDecoderTests", dependencies: ["WasmDecoder"]),
        .testTarget(name: "WasmInterpreterTests", dependencies: ["WasmInterpreter"]),
        .testTarget(name: "WasixTests", dependencies: ["Wasix"]),
        .testTarget(name: "SpecTests", dependencies: ["SpecRunner"]),
        .testTarget(name: "CLITests", dependencies: ["wasix-run"]),
    ]
)
