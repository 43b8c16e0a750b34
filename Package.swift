// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "MLPLab",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "MLPLab", targets: ["MLPLab"]),
        .executable(name: "mlplab", targets: ["mlplab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target MLPLab` (make docs): the DocC catalog.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The library: data, model, training, the compute-engine seam.
        .target(
            name: "MLPLab",
            dependencies: ["CDNNL", "CMPI", "COpenMP", "CStb", "CZlib", "CJPEG", "CWebP", "CTIFF", "CVector"]
        ),
        // The thin command-line tool.
        .executableTarget(
            name: "mlplab",
            dependencies: [
                "MLPLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // A small program that uses the library as a Swift user would (make test runs it).
        .executableTarget(
            name: "train-fashion-mnist",
            dependencies: ["MLPLab"],
            path: "Examples/TrainFashionMNIST"
        ),

        // Implementation details: Debian's C libraries through module maps.
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL"),
        // Open MPI, opened with dlopen only under a launcher (see Sources/CMPI/include/CMPI.h).
        .target(name: "CMPI", path: "Sources/CMPI"),
        .systemLibrary(name: "COpenMP", path: "Sources/COpenMP"),
        .systemLibrary(name: "CStb", path: "Sources/CStb"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // JPEG through libjpeg-turbo, as Pillow decodes it; the shim keeps libjpeg's longjmp in C.
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG"),
        .systemLibrary(name: "CWebP", path: "Sources/CWebP"),
        .systemLibrary(name: "CTIFF", path: "Sources/CTIFF"),
        // Vector square roots for the optimizer's passes (Sources/CVector/include/CVector.h).
        .target(name: "CVector", path: "Sources/CVector"),

        // Benchmarks behind BENCHMARKS.md (bench/run); not part of the tests.
        .executableTarget(
            name: "step-benchmark",
            dependencies: ["MLPLab", "AllocationCounter"],
            path: "bench/StepBenchmark"
        ),
        .target(name: "AllocationCounter", path: "bench/AllocationCounter"),
        .executableTarget(
            name: "layout-benchmark",
            dependencies: ["MLPLab"],
            path: "bench/LayoutBenchmark"
        ),
        .executableTarget(
            name: "data-parallel-benchmark",
            dependencies: ["MLPLab"],
            path: "bench/DataParallelBenchmark"
        ),

        .testTarget(
            name: "MLPLabTests",
            // CStb: the tests write colour JPEGs and PNGs (stb_image_write) for the image folders.
            // mlplab: the tool's table of flags (FlagNames), checked without running the tool.
            dependencies: ["MLPLab", "CStb", "mlplab"],
            resources: [.copy("Support/Fixtures")]
        ),
    ]
)
