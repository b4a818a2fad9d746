// swift-tools-version:6.0
// libFuzzer targets for wasix-swift, in a package of their own so that the product builds without fuzzing
// flags. How to build and run them: FuzzTesting/README.md.
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, whatever the checkout is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let ours = root.lastPathComponent.lowercased()

let package = Package(
    name: "FuzzTesting",
    dependencies: [.package(path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzDecode",
                          dependencies: ["FuzzSupport", .product(name: "WasmInterpreter", package: ours)]),
        .executableTarget(name: "FuzzRun",
                          dependencies: ["FuzzSupport", .product(name: "WasmInterpreter", package: ours)]),
        .executableTarget(name: "FuzzWasix",
                          dependencies: ["FuzzSupport", .product(name: "Wasix", package: ours)]),
    ]
)
