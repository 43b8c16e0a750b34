// swift-tools-version: 6.0
// libFuzzer targets for MLPLab's parsers of untrusted input. Not part of the main build: each
// target defines LLVMFuzzerTestOneInput instead of main. Build and run with fuzz/run.
import PackageDescription

let package = Package(
    name: "MLPLabFuzz",
    dependencies: [.package(name: "MLPLab", path: "..")],
    targets: [
        .executableTarget(name: "FuzzIDX", dependencies: [.product(name: "MLPLab", package: "MLPLab")]),
        .executableTarget(name: "FuzzSafeTensors", dependencies: [.product(name: "MLPLab", package: "MLPLab")]),
        .executableTarget(name: "FuzzImage", dependencies: [.product(name: "MLPLab", package: "MLPLab")]),
    ]
)
