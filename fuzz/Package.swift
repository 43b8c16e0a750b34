// swift-tools-version: 6.0
// libFuzzer targets for MLPLab's parsers of untrusted input. Not part of the main build: each
// target defines LLVMFuzzerTestOneInput instead of main. Build and run with fuzz/run.
import PackageDescription

let package = Package(
    name: "MLPLabFuzz",
    dependencies: [.package(name: "MLPLab", path: "..")],
    targets: [
        .target(name: "FuzzSupport"),
        .executableTarget(name: "FuzzIDX", dependencies: ["FuzzSupport", .product(name: "MLPLab", package: "MLPLab")]),
        .executableTarget(name: "FuzzSafeTensors", dependencies: ["FuzzSupport", .product(name: "MLPLab", package: "MLPLab")]),
        .executableTarget(name: "FuzzImage", dependencies: ["FuzzSupport", .product(name: "MLPLab", package: "MLPLab")]),
        .executableTarget(name: "FuzzRunFolder", dependencies: ["FuzzSupport", .product(name: "MLPLab", package: "MLPLab")]),
        .executableTarget(name: "FuzzOptions", dependencies: ["FuzzSupport", .product(name: "MLPLab", package: "MLPLab")]),
        .executableTarget(name: "FuzzModelFile", dependencies: ["FuzzSupport", .product(name: "MLPLab", package: "MLPLab")]),
    ]
)
